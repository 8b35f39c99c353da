"""Every page, as the people who use it see it: a screenshot of each, and no serious accessibility violations."""

from __future__ import annotations

import re
import shutil
from uuid import uuid4

import pytest

from playwright.sync_api import Page, expect

from tests.browser.conftest import ROOT, SCREENSHOTS, OpenContext, Server, SignIn, check, no_sideways_scrolling
from tests.browser.demo import (
    DPT,
    NUTRITION,
    PATIENT_EXPERIENCE,
    SDHFT,
    SELF_HARM,
    SOUTH_DEVON,
    TRUST,
    TRUST_2017,
    TRUST_2018,
    WELLBEING_2019,
    local_2019_drafted,
)

CSP = "default-src 'self'; script-src 'self'; style-src 'self'"


def test_a_page_without_a_session_goes_to_sign_in_and_a_wrong_password_is_shown_in_an_error_summary(
    open_context: OpenContext, server: Server
) -> None:
    context = open_context(base_url=server.url)
    page = context.new_page()

    response = page.goto("/programmes")

    assert response is not None and CSP in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "/sign-in?next=/programmes" in page.url
    check(page, "sign-in")
    page.get_by_label("Username").fill("dpt.quality")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-summary")).to_contain_text("The username or password is wrong")
    expect(page.get_by_label("Username")).to_have_value("dpt.quality")
    check(page, "sign-in-error")


def test_the_commissioner_sees_the_system_wide_matrix_with_a_text_label_in_every_cell(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.quality")
    page.goto("/programmes")
    check(page, "programmes")

    page.get_by_role("link", name="South Devon and Torbay 2014/15", exact=True).click()

    expect(page.get_by_role("heading", name="System-wide progress")).to_be_visible()
    matrix = page.locator("#progress-matrix")
    expect(matrix.get_by_role("heading", name="Reduce self-harm and suicide")).to_be_visible()
    expect(matrix.locator("table").first.locator(".tag").first).to_have_text(re.compile("^(Met|Partially Met)$"))
    assert matrix.locator("td .tag").count() > 100
    providers = page.locator("#programme-providers")
    expect(providers).to_contain_text("Mount Stuart Hospital: independent sector")
    expect(providers).to_contain_text("South Western Ambulance Service NHS Foundation Trust: ambulance")
    expect(page.locator("#progress-matrix")).to_contain_text("Left out: Mount Stuart Hospital.")
    check(page, "programme-overview")
    page.screenshot(path=str(SCREENSHOTS / "overview-viewport.png"))
    shutil.copyfile(SCREENSHOTS / "overview-viewport.png", ROOT / "test-output" / "overview.png")


WIDTHS = [1280, 320]
QUARTER = re.compile(r"\bQ[1-4]\b")
# What names a thing, where a quarter said twice would read "Q3 Q3" (cells can hold what people typed: not those).
NAMING = "h1, h2, h3, caption, legend, label, th, a, .hint, .caption"


def _tour(page: Page, addresses: dict[str, str], width: int, status: int = 200) -> None:
    """Each page: answered with `status`, no wider than the screen, no quarter named twice in a heading, label,
    cell or link, then screenshotted and checked by axe."""
    for name, address in addresses.items():
        response = page.goto(address)
        assert response is not None and response.status == status, (address, response and response.status)
        _visit(page, f"{width}px-{name}")


def _visit(page: Page, name: str) -> None:
    no_sideways_scrolling(page, page.url)
    for text in page.locator(NAMING).all_inner_texts():
        quarters = QUARTER.findall(text)
        assert len(quarters) == len(set(quarters)), f"{page.url}: a quarter named twice in {text!r}"
    check(page, name)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_a_provider_uses_reads_well_and_passes_axe(sign_in: SignIn, width: int) -> None:
    page = sign_in("dpt.quality", width=width, height=640)
    page.goto(f"/schemes/{SELF_HARM}/quarters/Q2/board")
    submission = page.get_by_role("link", name="Open South Devon Healthcare").first.get_attribute("href")
    assert submission is not None

    _tour(
        page,
        {
            "provider-home": "/home",
            "programmes": "/programmes",
            "programme-overview": f"/programmes/{SOUTH_DEVON}",
            "payments": f"/programmes/{SOUTH_DEVON}/payments",
            "provider-quarters": f"/programmes/{SOUTH_DEVON}/providers/{DPT}/quarters",
            "collation-board": f"/schemes/{SELF_HARM}/quarters/Q2/board",
            "submission-for-lead": submission,
            "evidence-form": f"/schemes/{NUTRITION}/milestones/Q3/evidence",
            "evidence-returned": f"/schemes/{SELF_HARM}/milestones/Q2/evidence",
            "provider-decisions": f"/schemes/{NUTRITION}/quarters/Q2/assessments/{DPT}",
            "agreement": f"/schemes/{SELF_HARM}/agreement",
            "inbox": "/inbox",
        },
        width,
    )
    trust = sign_in("mht.quality", width=width, height=640)
    _tour(
        trust,
        {
            "trust-home": "/home",
            "trust-quarters": f"/programmes/{TRUST_2017}/providers/{TRUST}/quarters",
            "trust-next-year": f"/programmes/{TRUST_2018}/providers/{TRUST}/quarters",
        },
        width,
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_the_commissioner_auditor_and_administrator_use_reads_well_and_passes_axe(
    sign_in: SignIn, width: int
) -> None:
    page = sign_in("sdt-ccg.quality", width=width, height=640)

    _tour(
        page,
        {
            "commissioner-home": "/home",
            "commissioner-inbox": "/inbox",
            "programmes": "/programmes",
            "programme-overview": f"/programmes/{SOUTH_DEVON}",
            "review-with-call-ins": f"/schemes/{SELF_HARM}/quarters/Q2/review",
            "commissioner-review": f"/schemes/{NUTRITION}/quarters/Q2/review",
            "queried-review": f"/schemes/{PATIENT_EXPERIENCE}/quarters/Q2/review",
            "collation-board-commissioner": f"/schemes/{NUTRITION}/quarters/Q2/board",
            "assessment-evidence": f"/schemes/{NUTRITION}/quarters/Q2/assessments/{DPT}",
            "payments-programme": f"/programmes/{SOUTH_DEVON}/payments",
            "audit-trail": f"/programmes/{SOUTH_DEVON}/audit",
            "provider-quarters-commissioner": f"/programmes/{SOUTH_DEVON}/providers/{SDHFT}/quarters",
            "agreement-commissioner": f"/schemes/{NUTRITION}/agreement",
        },
        width,
    )
    auditor = sign_in("sdt-ccg.auditor", width=width, height=640)
    _tour(auditor, {"auditor-review": f"/schemes/{NUTRITION}/quarters/Q2/review"}, width)
    administrator = sign_in("sdt-ccg.admin", width=width, height=640)
    _tour(
        administrator,
        {
            "users": "/users",
            "clients": "/clients",
            "organisation": "/organisation",
            "organisation-audit": "/organisation/audit",
        },
        width,
    )


def test_the_administrator_opens_its_organisation_s_own_trail_from_its_organisation_page(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.admin")
    page.goto("/organisation")
    page.get_by_role("link", name="Your organisation's audit trail").click()

    expect(page.get_by_role("heading", name="Your organisation's audit trail")).to_be_visible()
    expect(page.locator("#audit-entries")).to_contain_text("opened an account for")
    page.get_by_label("User").fill("nobody-at-all")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#audit-entries")).to_contain_text("No entries match these filters.")
    check(page, "organisation-audit")


@pytest.mark.parametrize("width", WIDTHS)
def test_every_error_page_has_the_layout_a_title_a_way_home_and_passes_axe(
    open_context: OpenContext, server: Server, sign_in: SignIn, width: int
) -> None:
    stranger = open_context(base_url=server.url, viewport={"width": width, "height": 640}).new_page()
    _tour(stranger, {"sign-in": "/sign-in"}, width)
    _tour(stranger, {"not-found-signed-out": "/no-such-page"}, width, status=404)
    _tour(stranger, {"set-password-link-spent": "/set-password?username=nobody&token=made-up"}, width, status=410)
    page = sign_in("dpt.quality", width=width, height=640)

    _tour(page, {"not-found": "/no-such-page", "no-such-scheme": f"/schemes/{uuid4()}/agreement"}, width, status=404)
    _tour(page, {"method-not-allowed": "/sign-out"}, width, status=405)
    _tour(page, {"address-not-valid": f"/programmes/{SOUTH_DEVON}/audit?before=0"}, width, status=422)
    page.evaluate(
        "() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/sign-out';"
        " document.body.appendChild(f); f.submit(); }"
    )
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="You cannot do that")).to_be_visible()
    _visit(page, f"{width}px-form-refused")

    for error_page in (stranger, page):
        expect(error_page.locator("html")).to_have_attribute("lang", re.compile("^en"))
        expect(error_page.locator("footer")).to_be_visible()
    expect(page.get_by_role("navigation", name="Primary")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the start page")).to_be_visible()


def test_the_commissioner_reviews_a_numeric_milestone_with_the_threshold_maths_shown(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.quality")

    page.goto(f"/schemes/{NUTRITION}/quarters/Q2/review")

    acute = page.locator("section.review-row", has_text="South Devon Healthcare NHS Foundation Trust")
    expect(acute).to_contain_text("Threshold maths")
    expect(acute).to_contain_text("92.00%")
    expect(acute).to_contain_text("= 80.0%")
    expect(acute).to_contain_text("Partially Met")
    check(page, "commissioner-review")


def test_the_review_page_links_each_presented_pack_and_its_pdf_downloads(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.quality")
    page.goto(f"/schemes/{NUTRITION}/quarters/Q2/review")

    with page.expect_download() as downloading:
        page.get_by_role("link", name="Pack 1 as PDF").click()
    pdf = downloading.value

    assert pdf.suggested_filename == "Improve-nutrition-and-hydration-in-care-settings-Q2-pack-1.pdf"
    with open(pdf.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"
    expect(page.get_by_role("link", name=re.compile("Pack 1 as ZIP"))).to_be_visible()


def test_payments_show_a_chart_and_its_table_for_the_programme_and_each_provider(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.quality")
    page.goto(f"/programmes/{SOUTH_DEVON}/payments")

    expect(page.get_by_role("heading", name="The whole programme")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(7)
    expect(page.get_by_role("table").first).to_contain_text("Available")
    check(page, "payments-programme")

    provider = sign_in("cct.quality")
    provider.goto(f"/programmes/{SOUTH_DEVON}/payments")
    expect(provider.get_by_role("heading", name="The whole programme")).to_have_count(0)
    expect(provider.locator("svg[role=img]")).to_have_count(1)
    check(provider, "payments-provider")


def test_the_auditor_filters_and_pages_the_trail_then_opens_the_evidence_behind_a_decision(sign_in: SignIn) -> None:
    page = sign_in("sdt-ccg.auditor")
    page.goto(f"/programmes/{SOUTH_DEVON}/audit")
    check(page, "audit-trail")

    page.get_by_label("Quarter").select_option("Q1")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#audit-entries")).to_contain_text("Q1")
    page.get_by_role("link", name="Older entries").click()
    expect(page.get_by_role("link", name="Newest entries")).to_be_visible()
    page.get_by_role("link", name="The evidence behind this decision").first.click()

    expect(page.get_by_role("heading", name="Milestone Q1")).to_be_visible()
    expect(page.locator(".decision-record").first).to_contain_text("Evidence assessed")
    check(page, "assessment-evidence")


def test_a_scheme_agreement_shows_its_terms_and_a_draft_that_cannot_be_signed_says_why(sign_in: SignIn) -> None:
    page = sign_in("dpt.quality")
    page.goto(f"/schemes/{SELF_HARM}/agreement")
    expect(page.get_by_role("heading", name="Agreed versions")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Every party signed version 1")
    expect(page.get_by_role("heading", name="Providers left out").first).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "Mount Stuart Hospital: Mount Stuart Hospital signs up only to the schemes relevant to its NHS patients."
    )
    check(page, "agreement")

    local_2019_drafted(sign_in("local-ccg.quality"))
    trust = sign_in("mht.quality")
    trust.goto(f"/schemes/{WELLBEING_2019}/agreement")
    expect(trust.locator("main")).to_contain_text("draft")
    trust.get_by_role("button", name="Sign version 1").click()
    expect(trust.locator(".error-summary")).to_contain_text("baseline")
    check(trust, "agreement-draft-error")


def test_the_trust_sees_its_year_as_the_seed_table_with_n_a_shown_and_downloads_it(sign_in: SignIn) -> None:
    page = sign_in("mht.quality")
    page.goto(f"/programmes/{TRUST_2017}/providers/{TRUST}/quarters")

    row = page.locator("tr", has_text="Summaries of Care")
    expect(row.locator(".tag")).to_have_text(["N/A", "Met", "Partially Met", "Met"])
    check(page, "trust-quarters")
    for label, kind in (("Download table (CSV)", "text/csv"), ("Download table (Excel)", "spreadsheetml")):
        href = page.get_by_role("link", name=label).get_attribute("href")
        assert href is not None
        answer = page.request.get(href)
        assert answer.status == 200 and kind in answer.headers["content-type"]


def test_a_provider_is_shown_not_found_for_a_neighbours_evidence_it_does_not_lead(sign_in: SignIn) -> None:
    lead_page = sign_in("dpt.quality")
    lead_page.goto(f"/schemes/{SELF_HARM}/quarters/Q2/board")
    href = lead_page.get_by_role("link", name="Open South Devon Healthcare").first.get_attribute("href")
    assert href is not None

    neighbour = sign_in("msh.quality")
    response = neighbour.goto(href)

    assert response is not None and response.status == 404
    expect(neighbour.get_by_role("heading", name="Page not found")).to_be_visible()
    assert "screened" not in neighbour.content() and "Q2 report from SDHFT" not in neighbour.content()
    check(neighbour, "not-found")


def test_signing_out_ends_the_session(sign_in: SignIn) -> None:
    page = sign_in("cct.quality")

    page.get_by_role("button", name="Sign out").click()

    expect(page.locator("main")).to_contain_text("You have signed out")
    page.goto("/home")
    assert "/sign-in" in page.url


def test_a_provider_withdraws_returned_evidence_giving_a_reason_the_browser_asks_for_first(sign_in: SignIn) -> None:
    page = sign_in("tsdhct.quality")
    page.goto(f"/schemes/{SELF_HARM}/milestones/Q2/evidence")
    expect(page.locator("#lead-comments")).to_contain_text("safety-plan audit")

    page.get_by_role("button", name="Withdraw evidence").click()
    expect(page.locator(".error-summary")).to_contain_text("Enter why you are withdrawing the evidence")
    page.get_by_label("Why are you withdrawing it?").fill("The audit is being redone; we will submit again.")
    page.get_by_role("button", name="Withdraw evidence").click()

    expect(page.locator("main .tag").first).to_have_text("withdrawn")
    check(page, "evidence-withdrawn")


def test_the_lead_nudges_a_participant_whose_evidence_is_missing(sign_in: SignIn) -> None:
    page = sign_in("dpt.quality")
    page.goto(f"/schemes/{SELF_HARM}/quarters/Q2/board")
    nudge = page.locator("section.nudge", has_text="South Western Ambulance Service")

    nudge.get_by_label("Reminder to South Western Ambulance Service NHS Foundation Trust").fill("Q2 is due on Friday.")
    nudge.get_by_role("button", name="Nudge").click()

    expect(page.locator("section.nudge", has_text="South Western Ambulance Service")).to_contain_text(
        "Q2 is due on Friday."
    )

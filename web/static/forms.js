// Client-side checks before a form is sent, shown as an NHS error summary; the server checks everything again.
(function () {
  "use strict";

  function groupOf(field) {
    return field.closest(".form-group") || field.parentElement;
  }

  function clearErrors(form) {
    form.querySelectorAll(".error-message[data-client]").forEach(function (el) { el.remove(); });
    form.querySelectorAll(".form-group--error[data-client]").forEach(function (el) {
      el.classList.remove("form-group--error");
      el.removeAttribute("data-client");
    });
    document.querySelectorAll(".error-summary").forEach(function (el) { el.remove(); });
  }

  function problems(form) {
    var found = [];
    form.querySelectorAll("[data-required]").forEach(function (field) {
      if (!field.value.trim()) { found.push([field, field.getAttribute("data-required")]); }
    });
    form.querySelectorAll("[data-number]").forEach(function (field) {
      var text = field.value.trim().replace(/,/g, "");
      if (text && !/^\d+(\.\d+)?$/.test(text)) { found.push([field, field.getAttribute("data-number")]); }
    });
    form.querySelectorAll("[data-required-group]").forEach(function (group) {
      if (!group.querySelector("input:checked")) {
        var first = group.querySelector("input");
        found.push([first, group.getAttribute("data-required-group")]);
      }
    });
    form.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (field) {
      var limit = Number(field.getAttribute("data-max-bytes"));
      Array.prototype.forEach.call(field.files || [], function (file) {
        if (file.size > limit) { found.push([field, file.name + " is larger than 20 MB"]); }
      });
    });
    return found;
  }

  function showErrors(form, found) {
    var summary = document.createElement("div");
    summary.className = "error-summary";
    summary.setAttribute("data-client", "");
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("aria-labelledby", "client-error-summary-title");
    var title = document.createElement("h2");
    title.className = "error-summary__title";
    title.id = "client-error-summary-title";
    title.textContent = "There is a problem";
    var list = document.createElement("ul");
    list.className = "error-summary__list";
    found.forEach(function (problem) {
      var field = problem[0], message = problem[1];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + field.id;
      link.textContent = message;
      link.addEventListener("click", function (event) { event.preventDefault(); field.focus(); });
      item.appendChild(link);
      list.appendChild(item);
      var group = groupOf(field);
      if (!group.classList.contains("form-group--error")) {
        group.classList.add("form-group--error");
        group.setAttribute("data-client", "");
      }
      var error = document.createElement("span");
      error.className = "error-message";
      error.setAttribute("data-client", "");
      error.id = field.id + "-client-error";
      error.innerHTML = '<span class="visually-hidden">Error:</span> ';
      error.appendChild(document.createTextNode(message));
      var label = group.querySelector("label, legend");
      if (label && label.parentNode === group) { label.insertAdjacentElement("afterend", error); }
      else { group.insertBefore(error, group.firstChild); }
    });
    summary.appendChild(title);
    summary.appendChild(list);
    // At the top of the page's content, before its heading wherever the heading sits (inside a column on sign-in).
    var main = document.getElementById("main-content") || document.body;
    var anchor = main.querySelector("h1");
    if (anchor) { anchor.parentNode.insertBefore(summary, anchor); } else { main.insertBefore(summary, main.firstChild); }
    if (document.title.indexOf("Error: ") !== 0) { document.title = "Error: " + document.title; }
    summary.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-validate")) { return; }
    clearErrors(form);
    var found = problems(form);
    if (found.length) {
      event.preventDefault();
      showErrors(form, found);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
})();

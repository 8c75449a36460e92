// Client pages: show the fieldset of the chosen kind, and let htmx swap a
// 422 answer (a form with its errors) like a success.
(function () {
  "use strict";

  function showKind(form) {
    var select = form.querySelector("select[name=kind]");
    if (!select) return;
    form.querySelectorAll("fieldset[data-kind]").forEach(function (fieldset) {
      fieldset.hidden = fieldset.getAttribute("data-kind") !== select.value;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.app-client-form").forEach(function (form) {
      showKind(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "kind") showKind(form);
      });
    });
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();

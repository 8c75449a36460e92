// Client space, premiums: Stripe.js in the client's browser. The server gives
// the publishable key and a client secret in data attributes (the page's
// Content-Security-Policy allows no inline script) and reads every outcome
// back from Stripe itself: nothing here decides an amount or what is paid.
(function () {
  "use strict";

  function stripeFor(element) {
    var account = element.getAttribute("data-stripe-account");
    return window.Stripe(element.getAttribute("data-publishable-key"), account ? {stripeAccount: account} : undefined);
  }

  function showError(box, error, fallback) {
    box.textContent = (error && error.message) || fallback;
    box.hidden = false;
    box.scrollIntoView({block: "nearest"});
  }

  function busy(button, isBusy) {
    if (!button.hasAttribute("data-label")) button.setAttribute("data-label", button.textContent);
    button.disabled = isBusy;
    button.textContent = isBusy ? (button.getAttribute("data-busy-label") || button.textContent)
      : button.getAttribute("data-label");
  }

  // Save a card (Card Element, confirmCardSetup) or a SEPA mandate (confirmSepaDebitSetup).
  function setUp(form) {
    var stripe = stripeFor(form);
    var kind = form.getAttribute("data-kind");
    var secret = form.getAttribute("data-client-secret");
    var errorBox = document.getElementById("pay-setup-error");
    var button = form.querySelector("button[type=submit]");
    var card = null;
    if (kind === "card") {
      card = stripe.elements().create("card", {hidePostalCode: true});
      card.mount("#card-element");
    }
    form.addEventListener("submit", function (event) {
      if (form.elements.setup_intent.value) return;
      event.preventDefault();
      errorBox.hidden = true;
      busy(button, true);
      var billing = {name: document.getElementById("holder").value.trim(), email: form.getAttribute("data-email")};
      var confirmed = kind === "card"
        ? stripe.confirmCardSetup(secret, {payment_method: {card: card, billing_details: billing}})
        : stripe.confirmSepaDebitSetup(secret, {payment_method: {
          sepa_debit: {iban: document.getElementById("iban").value.replace(/\s+/g, "").toUpperCase()},
          billing_details: billing}});
      confirmed.then(function (result) {
        if (result.error || !result.setupIntent) {
          showError(errorBox, result.error, form.getAttribute("data-error"));
          busy(button, false);
          return;
        }
        form.elements.setup_intent.value = result.setupIntent.id;
        form.submit();
      });
    });
  }

  // 3-D Secure: the bank asks the payer to confirm; the page then reads the outcome from the server.
  function confirmPayment(button) {
    var stripe = stripeFor(button);
    function run() {
      button.disabled = true;
      stripe.confirmCardPayment(button.getAttribute("data-client-secret")).then(function () {
        window.location.assign(button.getAttribute("data-return"));
      });
    }
    button.addEventListener("click", run);
    if (button.hasAttribute("data-autorun")) run();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var setup = document.getElementById("pay-setup-form");
    if (setup && window.Stripe) setUp(setup);
    var confirm = document.getElementById("pay-confirm");
    if (confirm && window.Stripe) confirmPayment(confirm);

    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      var button = form.querySelector("[data-autosubmit-button]");
      if (button) button.hidden = true;
      form.addEventListener("change", function () { form.submit(); });
    });

    document.querySelectorAll("form[data-testid=pay-form]").forEach(function (form) {
      form.addEventListener("submit", function () {
        var button = form.querySelector("button[type=submit]");
        if (button) window.setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
})();

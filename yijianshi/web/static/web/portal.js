/* The portal's few behaviours, kept out of the pages so that the Content-Security-Policy forbids inline script
   (docs/security.md, finding 3). Each is asked for by a data attribute; without script the pages still work. */
(function () {
  "use strict";
  // a form's [data-once] button: a second click does not send the form again (the application's submit)
  document.addEventListener("submit", function (e) {
    var button = e.target.querySelector("[data-once]");
    if (!button) return;
    if (button.dataset.sent) { e.preventDefault(); return; }
    button.dataset.sent = "1";
    button.setAttribute("aria-disabled", "true");
  });
  // <select data-autosubmit>: choosing an option sends its form (the figures' region)
  document.addEventListener("change", function (e) {
    var select = e.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) select.form.submit();
  });
  // <form data-included-url>: "按当前回答需办理" follows the answers. The server computes the list (the guide
  // computation, web/guide.py) and sends it as HTML; this only asks again when an answer changes and puts the
  // answer in [data-included]. Without script the form's own button submits and the page shows the same list.
  var asked = {};
  function refreshIncluded(form) {
    var box = form.querySelector("[data-included]");
    if (!box) return;
    var query = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "step" && typeof value === "string") query.append(name, value);
    });
    var url = form.dataset.includedUrl + "?" + query.toString();
    var ticket = (asked[form.dataset.includedUrl] || 0) + 1;
    asked[form.dataset.includedUrl] = ticket;
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (asked[form.dataset.includedUrl] !== ticket) return;  // a later answer's list is on its way
        box.innerHTML = html;
      })
      .catch(function () { /* offline: the form's submit still works */ });
  }
  document.addEventListener("change", function (e) {
    var form = e.target.form;
    if (form && form.dataset && form.dataset.includedUrl) refreshIncluded(form);
  });
  function withScript() {
    document.querySelectorAll("form[data-included-url] [data-without-script]").forEach(function (el) {
      el.hidden = true;
      el.style.display = "none";
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", withScript);
  else withScript();
  // [data-refused-post]: this page answers a form that was refused (400, not stored: Cache-Control no-store).
  // Its history entry becomes a plain visit of the same address, so that Back, after the form was corrected and
  // sent on, asks the server for the step as it is now instead of offering to send the refused form again.
  if (document.querySelector("[data-refused-post]") && window.history.replaceState) {
    window.history.replaceState(window.history.state, "", window.location.href);
  }
  // <button data-print>: print the page (a bundle's guide)
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });
})();

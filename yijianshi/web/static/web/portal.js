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
  // <button data-print>: print the page (a bundle's guide)
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });
})();

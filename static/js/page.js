// Small behaviours every page shares, kept out of the HTML so that the Content-Security-Policy
// can forbid inline scripts.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option sends its form (the language switch).
  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
})();

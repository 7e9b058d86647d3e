// Small behaviours every page shares, kept out of the HTML so that the Content-Security-Policy
// can forbid inline scripts.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option sends its form (the language switch).
  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });

  // The outbox (outbox.js) posted a form with fetch and read the server's message ("已登记，编号 …")
  // on the way to this page; show it here, as the page would have if the browser had posted.
  let flash = null;
  try {
    flash = sessionStorage.getItem("gridcase-flash");
    sessionStorage.removeItem("gridcase-flash");
  } catch (error) {
    return;  // storage disabled
  }
  const host = document.querySelector("main .page") || document.querySelector("main");
  if (flash && host && !host.querySelector(".message")) {
    const message = document.createElement("p");
    message.className = "message";
    message.setAttribute("role", "status");
    message.textContent = flash;
    host.prepend(message);
  }
})();

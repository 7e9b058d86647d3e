// Small behaviours every page shares, kept out of the HTML so that the Content-Security-Policy
// can forbid inline scripts.
(function () {
  "use strict";
  // <select data-autosubmit>: choosing an option sends its form (the language switch).
  document.addEventListener("change", (event) => {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });

  // 大字 (适老化): larger type on this device, remembered in localStorage; the switch is in the menu.
  const LARGE = "gridcase-large-type";
  function largeType(on) {
    document.documentElement.classList.toggle("large-type", on);
    for (const toggle of document.querySelectorAll(".large-type-toggle")) toggle.setAttribute("aria-pressed", String(on));
  }
  let remembered = false;
  try {
    remembered = localStorage.getItem(LARGE) === "1";
  } catch (error) {
    remembered = false;  // storage disabled: the switch still works for this page
  }
  largeType(remembered);
  document.addEventListener("click", (event) => {
    const toggle = event.target.closest(".large-type-toggle");
    if (!toggle) return;
    const on = !document.documentElement.classList.contains("large-type");
    largeType(on);
    try {
      localStorage.setItem(LARGE, on ? "1" : "0");
    } catch (error) {
      // storage disabled: larger type for this page only
    }
    window.dispatchEvent(new Event("resize"));  // the map fills its new room
  });

  // 菜单: on a phone the header's links are folded behind one button.
  const menuButton = document.querySelector(".menu-toggle");
  const menu = document.getElementById("site-menu");
  if (menuButton && menu) {
    const setOpen = (open) => {
      menuButton.setAttribute("aria-expanded", String(open));
      menu.classList.toggle("open", open);
    };
    menuButton.addEventListener("click", () => setOpen(menuButton.getAttribute("aria-expanded") !== "true"));
    document.addEventListener("keydown", (event) => { if (event.key === "Escape") setOpen(false); });
    document.addEventListener("click", (event) => {
      if (!event.target.closest(".topbar")) setOpen(false);
    });
  }

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

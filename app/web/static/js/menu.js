// The header menu of layout.html: a <details> that folds the navigation away on narrow screens.
// CSS unfolds it on wide screens through ::details-content; a browser without that pseudo-element
// gets it opened here instead. Escape closes the folded menu. Without this script the menu still works.
(() => {
  "use strict";
  const menu = document.getElementById("menu");
  if (!menu) return;
  const narrow = window.matchMedia("(max-width: 900px)");

  if (!CSS.supports("selector(::details-content)")) {
    const fit = () => {
      menu.open = menu.classList.contains("guest") || !narrow.matches;
    };
    fit();
    narrow.addEventListener("change", fit);
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.open && narrow.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();

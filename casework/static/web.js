/* casework pages: small enhancements; every page works without them. No inline script. */
document.addEventListener("DOMContentLoaded", function () {
  // A "print" button where the page offers one (the letter): shown only when it can work.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});

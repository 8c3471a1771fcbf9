/* casework pages: small enhancements; every page works without them. No inline script. */
document.addEventListener("DOMContentLoaded", function () {
  // A "print" button where the page offers one (the letter): shown only when it can work.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // A form came back with errors: the summary at its top takes the focus (screen readers read
  // it), and each of its links moves the focus to its field, not only the scroll.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
  document.querySelectorAll(".error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      var details = target.closest("details");
      if (details) { details.open = true; }
      var field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
      if (field) {
        event.preventDefault();
        field.focus();
        target.scrollIntoView({ block: "center" });
      }
    });
  });

  // "Done: …" says what the last form did. Take it out of the address, so that coming back to
  // this page later (the back button, a bookmark) does not say it again.
  var url = new URL(window.location.href);
  var said = ["done", "assigned", "read"].filter(function (name) { return url.searchParams.has(name); });
  if (said.length && window.history.replaceState) {
    said.forEach(function (name) { url.searchParams.delete(name); });
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }
});

// A page the browser shows again from its memory (back button) keeps its old "Done: …": drop it.
window.addEventListener("pageshow", function (event) {
  if (event.persisted) {
    document.querySelectorAll("[data-flash]").forEach(function (notice) { notice.remove(); });
  }
});

// Netra review page: keyboard shortcuts, the deadline countdown and the cells' captions for phones.
// No framework, no network.
(function () {
  "use strict";
  function typing(e) {
    var t = e.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  // Only rows that lead to a case: a near miss is a row too, but opening it would go nowhere.
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.row[data-href]"));
  var current = -1;
  function select(i) {
    if (!rows.length) return;
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows.forEach(function (r, j) { r.classList.toggle("selected", j === current); });
    rows[current].focus();
    rows[current].scrollIntoView({ block: "nearest" });
  }
  function openCase(anchor) {
    if (current < 0) return;
    window.location.href = rows[current].dataset.href + (anchor || "");
  }
  function focusAction(id) {
    var box = document.getElementById(id);
    if (!box) return;
    box.open = true;
    var field = box.querySelector("textarea, select, input:not([type=hidden])");
    if (field) field.focus();
    box.scrollIntoView({ block: "center" });
  }
  document.addEventListener("keydown", function (e) {
    if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    if (rows.length) {
      if (e.key === "j") { select(current + 1); e.preventDefault(); }
      else if (e.key === "k") { select(current - 1); e.preventDefault(); }
      else if (e.key === "o" || e.key === "Enter") { openCase(""); }
      else if (e.key === "c") { openCase("#confirm"); }
      else if (e.key === "d") { openCase("#dismiss"); }
      else if (e.key === "x" && current >= 0) {
        var box = rows[current].querySelector("input[type=checkbox]");
        if (box) box.checked = !box.checked;
      }
    } else if (e.key === "c" || e.key === "d") {
      focusAction(e.key === "c" ? "confirm" : "dismiss");
      e.preventDefault();
    }
  });
  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      rows.forEach(function (r) { var b = r.querySelector("input[type=checkbox]"); if (b) b.checked = all.checked; });
    });
  }
  rows.forEach(function (r, i) {
    r.addEventListener("click", function (e) {
      if (e.target.closest("a, input, button, label")) return;
      select(i);
      openCase("");
    });
  });
  if (window.location.hash === "#confirm" || window.location.hash === "#dismiss") {
    focusAction(window.location.hash.slice(1));
  }
  // On a phone each table row is a card and the header row is hidden (style.css): give every cell that
  // has no caption of its own (the queue's come from the server) its column's name, shown beside it.
  document.querySelectorAll("table").forEach(function (table) {
    var header = table.querySelector("tr");
    var names = header ? Array.prototype.map.call(header.querySelectorAll("th"), function (th) { return th.textContent.trim(); }) : [];
    table.querySelectorAll("tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.querySelectorAll("td"), function (td, i) {
        if (!td.hasAttribute("data-label") && td.colSpan === 1 && names[i]) td.setAttribute("data-label", names[i]);
      });
    });
  });
  // The countdown: refresh the remaining time every minute without reloading. Its words come from the
  // page's message catalogue (data-overdue; data-remaining, with {days} and {hours} to fill), not from here.
  function tick() {
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var ms = new Date(el.dataset.deadline).getTime() - Date.now();
      var label = el.textContent.split(":")[0];
      var when = el.textContent.slice(el.textContent.lastIndexOf("("));
      if (ms <= 0) { el.textContent = label + ": " + el.dataset.overdue + " " + when; el.classList.add("late"); return; }
      var d = Math.floor(ms / 86400000), h = Math.floor((ms % 86400000) / 3600000);
      el.textContent = label + ": " + el.dataset.remaining.replace("{days}", d).replace("{hours}", h) + " " + when;
    });
  }
  setInterval(tick, 60000);
})();

// Progressive enhancement only: every page works without this script.
// A cascading select (district) shows just the group under the answer to its parent (region) on the same page.
(function () {
  "use strict";
  document.querySelectorAll("select[data-cascade-from]").forEach(function (child) {
    var parent = document.querySelector('[name="' + child.dataset.cascadeFrom + '"]');
    if (!parent) { return; }
    var groups = Array.prototype.slice.call(child.querySelectorAll("optgroup"));
    function current() {
      if (parent.tagName === "SELECT") { return parent.value; }
      var checked = document.querySelector('[name="' + parent.name + '"]:checked');
      return checked ? checked.value : "";
    }
    function update() {
      var value = current();
      groups.forEach(function (group) {
        var show = !value || group.dataset.parent === value;
        group.hidden = !show;
        group.disabled = !show;
      });
      var selected = child.selectedOptions[0];
      if (selected && selected.parentElement.tagName === "OPTGROUP" && selected.parentElement.disabled) {
        child.value = "";
      }
    }
    document.querySelectorAll('[name="' + parent.name + '"]').forEach(function (el) {
      el.addEventListener("change", update);
    });
    update();
  });
})();

// A page that came back with errors: focus goes to the summary at the top, so a screen reader reads it out
// and the keyboard starts there (its links lead to each question).
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();

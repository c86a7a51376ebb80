// Ponte console: line numbers beside the automation editor, with the lines that have
// diagnostics marked. The page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".editor").forEach(function (editor) {
    var area = editor.querySelector("textarea");
    var gutter = editor.querySelector(".gutter");
    if (!area || !gutter) { return; }
    var bad = (editor.getAttribute("data-bad-lines") || "").split(",").filter(Boolean);
    function draw() {
      var lines = area.value.split("\n").length;
      var html = [];
      for (var n = 1; n <= lines; n++) {
        html.push(bad.indexOf(String(n)) >= 0 ? '<span class="bad" data-line="' + n + '">' + n + "</span>" : n);
      }
      gutter.innerHTML = html.join("\n");
    }
    area.addEventListener("input", draw);
    area.addEventListener("scroll", function () { gutter.scrollTop = area.scrollTop; });
    draw();
  });
});

/* pilot06: small progressive enhancements; every page works without this file. */
(function () {
  "use strict";
  function group(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function digitsOf(text) {
    return (text || "").replace(/[^\d]/g, "");
  }
  // Money typed as 1250000000 is shown 1.250.000.000 once the field is left.
  document.addEventListener("focusout", function (event) {
    var input = event.target;
    if (input && input.classList && input.classList.contains("money")) {
      var digits = digitsOf(input.value);
      if (digits && /^[\d.\s]+$/.test(input.value.trim())) { input.value = group(digits.replace(/^0+(?=\d)/, "")); }
      updateTotals();
    }
  });
  function updateTotals() {
    document.querySelectorAll(".rows-widget").forEach(function (widget) {
      var total = widget.querySelector("[data-total]");
      var inputs = widget.querySelectorAll("input.money");
      if (!total || !inputs.length) { return; }
      var sum = 0;
      inputs.forEach(function (i) { var d = digitsOf(i.value); if (d) { sum += parseInt(d, 10); } });
      total.hidden = false;
      total.querySelector("strong").textContent = group(String(sum));
    });
  }
  // "Thêm dòng": copy the row template with the next index.
  document.querySelectorAll(".rows-widget").forEach(function (widget) {
    var button = widget.querySelector("[data-add-row]");
    var template = widget.querySelector("template");
    var body = widget.querySelector("tbody");
    if (!button || !template || !body) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(widget.getAttribute("data-next"), 10) || body.rows.length;
      var row = document.createElement("tr");
      row.innerHTML = template.innerHTML.replace(/__i__/g, String(index));
      body.appendChild(row);
      widget.setAttribute("data-next", String(index + 1));
      var first = row.querySelector("input");
      if (first) { first.focus(); }
    });
  });
  updateTotals();
})();

// Qiyue's page behaviour, loaded as a file (the Content-Security-Policy allows no inline script).
// A control marked data-autosubmit submits its form when it changes (the language picker).
document.addEventListener("change", function (event) {
  var control = event.target.closest("[data-autosubmit]");
  if (control && control.form) {
    control.form.submit();
  }
});

// A suggestion picked from a type-ahead field's list (core.widgets.SuggestInput) confirms the field at once, as
// leaving it would: browsers fire only "input" for a pick, so the field's "change" listeners (the random draw's live
// preview) learn of it without waiting for the field to lose focus.
document.addEventListener("input", function (event) {
  var field = event.target;
  if (!field.list || !field.value) {
    return;
  }
  var options = field.list.options;
  for (var i = 0; i < options.length; i++) {
    if (options[i].value === field.value) {
      field.dispatchEvent(new Event("change", { bubbles: true }));
      return;
    }
  }
});

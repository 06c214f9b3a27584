// Qiyue's page behaviour, loaded as a file (the Content-Security-Policy allows no inline script).
// A control marked data-autosubmit submits its form when it changes (the language picker).
document.addEventListener("change", function (event) {
  var control = event.target.closest("[data-autosubmit]");
  if (control && control.form) {
    control.form.submit();
  }
});

// Qiyue /verify/: a dropped or chosen file is fingerprinted in the browser (SHA-256, Web Crypto) when the browser
// can; only the fingerprint is sent. Without Web Crypto (plain http on another host) the form uploads the file and
// the server computes the fingerprint without keeping the file.
(function () {
  "use strict";
  var zone = document.querySelector("[data-verify-drop]");
  if (!zone) return;
  var form = zone.closest("form");
  var input = zone.querySelector("input[type=file]");
  var hashField = form.querySelector("input[name=sha256]");
  var status = form.querySelector("[data-verify-status]");
  var canHash = !!(window.crypto && window.crypto.subtle && window.FileReader);

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function check(file) {
    if (!file) return;
    if (!canHash) { form.submit(); return; }
    if (status) status.textContent = zone.getAttribute("data-working");
    file.arrayBuffer().then(function (data) {
      return window.crypto.subtle.digest("SHA-256", data);
    }).then(function (digest) {
      var action = form.getAttribute("data-result-url");
      window.location.href = action + "?sha256=" + hex(digest);
    }).catch(function () { form.submit(); });
  }

  input.addEventListener("change", function () { check(input.files[0]); });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.add("border-primary"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function (event) { event.preventDefault(); zone.classList.remove("border-primary"); });
  });
  zone.addEventListener("drop", function (event) {
    var files = event.dataTransfer && event.dataTransfer.files;
    if (files && files.length) {
      if (!canHash) input.files = files;
      check(files[0]);
    }
  });
  if (hashField) hashField.setAttribute("pattern", "[0-9a-fA-F: ]{64,100}");
})();

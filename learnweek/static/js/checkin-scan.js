// Camera scanning on the check-in page, where the browser has the BarcodeDetector API (Chrome
// and Edge on Android and desktop). Elsewhere the button stays hidden: a hand-held scanner or
// typing the code into the field does the same.
(function () {
  "use strict";
  // After each check-in the field is emptied and focused again, ready for the next person.
  var checkinForm = document.querySelector("form.checkin");
  if (checkinForm) {
    checkinForm.addEventListener("htmx:afterRequest", function () {
      checkinForm.code.value = "";
      checkinForm.code.focus();
    });
  }
  var button = document.getElementById("scan-start");
  var video = document.getElementById("scanner");
  var form = document.querySelector("form.checkin");
  if (!button || !video || !form || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  button.hidden = false;
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  var last = "";
  button.addEventListener("click", function () {
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      button.hidden = true;
      video.play();
      var tick = function () {
        detector.detect(video).then(function (codes) {
          var value = codes.length ? codes[0].rawValue : "";
          if (value && value !== last) {
            last = value;
            form.code.value = value;
            form.requestSubmit();
            setTimeout(function () { last = ""; }, 3000);
          }
          requestAnimationFrame(tick);
        }).catch(function () { requestAnimationFrame(tick); });
      };
      tick();
    });
  });
})();

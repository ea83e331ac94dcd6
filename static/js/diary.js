// Reception's diary: htmx leaves 4xx responses unswapped by default, but the diary's refusals
// (400: a form error, 409: a conflict with its explanation and alternatives) are pages meant
// to be shown in place, so swap them like a success.
document.addEventListener("htmx:beforeSwap", function (event) {
  var status = event.detail.xhr.status;
  if (status === 400 || status === 409) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

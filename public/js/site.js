/* Progressive enhancement only: every page works without this file. */
(function () {
  'use strict';

  // Quick exit: through /exit (it ends the session here, then sends the visitor on), replacing
  // this page in history so that Back does not return here.
  var exitLink = document.querySelector('[data-quick-exit]');
  if (exitLink) {
    var target = exitLink.getAttribute('href');
    var leave = function () {
      document.title = '';
      document.body.textContent = '';
      window.location.replace(target);
    };
    var button = document.createElement('button');
    button.type = 'button';
    button.className = exitLink.className;
    button.textContent = exitLink.textContent;
    button.setAttribute('data-quick-exit', '');
    // One light per Shift press; screen readers hear the status line instead.
    var lights = document.createElement('span');
    lights.className = 'quick-exit-lights';
    lights.setAttribute('aria-hidden', 'true');
    button.appendChild(lights);
    button.addEventListener('click', leave);
    exitLink.parentNode.replaceChild(button, exitLink);

    // Shift three times, each within 5 s of the last (GOV.UK's "Exit this page"): never pressed by
    // accident, unlike Esc, which closes keyboards and suggestions. Never while focus is in a field.
    var status = document.querySelector('[data-quick-exit-status]');
    var presses = 0;
    var timer = null;
    var modified = false; // Shift+A ends with a Shift keyup too; the keyup before it had shiftKey.
    var inField = function (el) {
      return !!el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
    };
    var count = function (n, say) {
      presses = n;
      lights.textContent = ['', '\u25CF\u25CB\u25CB', '\u25CF\u25CF\u25CB'][n];
      if (status) status.textContent = say ? status.getAttribute(say) : '';
    };
    var reset = function () { count(0, 'data-expired'); };
    document.addEventListener('keyup', function (event) {
      window.clearTimeout(timer);
      if (event.key === 'Shift' && !modified && !inField(event.target) && !inField(document.activeElement)) {
        if (presses === 2) return leave();
        count(presses + 1, presses ? 'data-press-one' : 'data-press-two');
        timer = window.setTimeout(reset, 5000);
      } else if (presses) {
        reset();
      }
      modified = event.shiftKey;
    }, true);

    // The hint only where a keyboard is likely: a phone has no Shift key.
    var hint = document.querySelector('[data-quick-exit-hint]');
    if (hint && window.matchMedia && window.matchMedia('(hover: hover) and (pointer: fine)').matches) hint.hidden = false;
  }

  // Receipt: a copy button where the page may write to the clipboard; the status line says how it went.
  var code = document.querySelector('[data-receipt]');
  var copyArea = document.querySelector('[data-receipt-copy]');
  if (code && copyArea && navigator.clipboard && navigator.clipboard.writeText) {
    var copied = copyArea.querySelector('[role="status"]');
    var copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'button button-secondary';
    copy.textContent = copyArea.getAttribute('data-label');
    copy.addEventListener('click', function () {
      copied.textContent = ''; // so that a second copy is announced too
      var say = function (a) { return function () { copied.textContent = copyArea.getAttribute(a); }; };
      navigator.clipboard.writeText(code.textContent.trim()).then(say('data-done'), say('data-failed'));
    });
    copyArea.insertBefore(copy, copied);
    copyArea.hidden = false;
  }

  // Print views: a hidden [data-print] button is shown and prints; [data-print-fallback] ("use the browser's menu") goes.
  var printButton = document.querySelector('[data-print]');
  if (printButton && window.print) {
    printButton.addEventListener('click', function () { window.print(); });
    printButton.hidden = false;
    var printFallback = document.querySelector('[data-print-fallback]');
    if (printFallback) printFallback.hidden = true;
  }

  // Put focus on the error summary so screen readers announce it.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) summary.focus();

  // Kelurahan list: show only those in the chosen kecamatan. Without JS all are grouped by kecamatan.
  var kecamatan = document.querySelector('[data-kecamatan]');
  var kelurahan = document.querySelector('[data-kelurahan]');
  if (kecamatan && kelurahan) {
    var groups = Array.prototype.slice.call(kelurahan.querySelectorAll('optgroup'));
    var filter = function () {
      var chosen = kecamatan.value;
      var selected = kelurahan.value;
      groups.forEach(function (group) {
        var match = !chosen || group.getAttribute('data-kecamatan-code') === chosen;
        if (match && !group.parentNode) kelurahan.appendChild(group);
        if (!match && group.parentNode) group.parentNode.removeChild(group);
      });
      kelurahan.value = selected;
      if (kelurahan.value !== selected) kelurahan.value = '';
    };
    kecamatan.addEventListener('change', filter);
    filter();
  }

  // Contact details: shown only when the person asks to be contacted.
  var details = document.querySelector('[data-contact-details]');
  var toggles = document.querySelectorAll('[data-contact-toggle]');
  if (details && toggles.length) {
    var update = function () {
      var yes = document.getElementById('wants_contact-yes');
      details.hidden = !(yes && yes.checked);
    };
    Array.prototype.forEach.call(toggles, function (t) { t.addEventListener('change', update); });
    update();
  }
})();

/* Progressive enhancement only: every page works without this file. */
(function () {
  'use strict';

  // Quick exit: replace this page in history with a neutral site, so Back does not return here.
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
    button.addEventListener('click', leave);
    exitLink.parentNode.replaceChild(button, exitLink);
    document.addEventListener('keydown', function (event) {
      if (event.key === 'Escape' || event.key === 'Esc') leave();
    });
    var hint = document.querySelector('[data-quick-exit-hint]');
    if (hint) hint.hidden = false;
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

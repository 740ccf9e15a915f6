/* Progressive enhancement only: without this file, "Insert" posts the form and the page comes back with the reply in the message. */
(function () {
  'use strict';

  var pickers = document.querySelectorAll('[data-saved-reply-picker]');
  Array.prototype.forEach.call(pickers, function (picker) {
    if (picker.hasAttribute('data-enhanced')) return;
    picker.setAttribute('data-enhanced', '');
    var choice = picker.querySelector('[data-saved-reply-choice]');
    var language = picker.querySelector('[data-saved-reply-lang]');
    var button = picker.querySelector('[data-saved-reply-insert]');
    var status = picker.querySelector('[data-saved-reply-status]');
    var field = document.getElementById(picker.getAttribute('data-target'));
    if (!choice || !language || !button || !field) return;

    button.addEventListener('click', function (event) {
      var option = choice.options[choice.selectedIndex];
      var text = option ? option.getAttribute('data-body-' + language.value) : null;
      // Nothing chosen: the form goes to the server, which says what is missing.
      if (!text) return;
      event.preventDefault();
      // As the server does: after what was typed, a blank line between; nothing typed is lost.
      var kept = field.value.replace(/\s+$/, '');
      field.value = kept === '' ? text : kept + '\n\n' + text;
      field.focus();
      field.setSelectionRange(field.value.length, field.value.length);
      field.scrollTop = field.scrollHeight;
      if (status) status.textContent = status.getAttribute('data-inserted');
    });
  });
})();

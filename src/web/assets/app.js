// Progressive enhancements only: every page works without this script.
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  const source = document.getElementById(button.getAttribute('data-copy'));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent).then(() => {
    const label = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = label; }, 1500);
  });
});
// Date pickers submit as soon as a date is picked from the calendar. While someone types a
// date with the keyboard each finished segment fires "change", so typing waits for Enter or
// the form's button instead.
for (const input of document.querySelectorAll('input[data-autosubmit]')) {
  let typing = false;
  input.addEventListener('keydown', (event) => { typing = event.key !== 'Enter'; });
  input.addEventListener('blur', () => { typing = false; });
  input.addEventListener('change', () => {
    if (!typing && input.form && input.value && input.checkValidity()) input.form.requestSubmit();
  });
}
for (const button of document.querySelectorAll('[data-copy]')) button.hidden = false;

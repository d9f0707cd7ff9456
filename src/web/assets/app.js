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
// Date pickers submit as soon as a date is chosen.
for (const input of document.querySelectorAll('input[data-autosubmit]')) {
  input.addEventListener('change', () => input.form && input.value && input.form.requestSubmit());
}
for (const button of document.querySelectorAll('[data-copy]')) button.hidden = false;

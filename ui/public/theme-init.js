// Applies the saved theme before first paint (kept in a file, not inline, so a strict CSP can allow it).
(function () {
  try {
    var t = localStorage.getItem('pixel.theme') || 'system';
    var dark = t === 'dark' || (t === 'system' && !window.matchMedia('(prefers-color-scheme: light)').matches);
    document.documentElement.classList.toggle('dark', dark);
  } catch (e) {}
})();

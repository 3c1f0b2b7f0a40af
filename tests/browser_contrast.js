// Text in the app under 4.5:1 contrast against what is behind it (WCAG AA). Icons (graphics, 3:1),
// disabled controls (exempt) and chart SVG (checked by its own colours) are left out.
() => {
  const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const behind = el => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
    if (c && c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const root = document.querySelector('[data-testid=stAppViewContainer]') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const seen = new Set(), out = [];
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement, text = walker.currentNode.textContent.trim();
    if (!el || !text || seen.has(el)) continue;
    seen.add(el);
    if (el.closest('svg, [data-testid=stIconMaterial], button:disabled, [aria-disabled=true], [disabled]')) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    const fg = parse(style.color); if (!fg) continue;
    let bg = behind(el);
    if (bg.r === fg.r && bg.g === fg.g && bg.b === fg.b) bg = {r: 255, g: 255, b: 255, a: 1};  // drawn outside its box
    const a = fg.a * (parseFloat(style.opacity) || 1);
    const mixed = {r: fg.r * a + bg.r * (1 - a), g: fg.g * a + bg.g * (1 - a), b: fg.b * a + bg.b * (1 - a)};
    const l1 = lum(mixed), l2 = lum(bg), ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    if (ratio < 4.5) out.push(`${ratio.toFixed(2)}:1 ${JSON.stringify(text.slice(0, 40))} (${style.color})`);
  }
  return out;
}

// Chart labels that overlap: tick labels of one axis over each other, the legend over the title,
// an axis title or a panel title. Boxes may touch (1 px).
() => {
  const box = el => el.getBoundingClientRect();
  const hit = (a, b) => a.width && b.width && a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const out = [];
  document.querySelectorAll('.js-plotly-plot').forEach((chart, n) => {
    const name = (chart.querySelector('.gtitle') || {}).textContent || `chart ${n}`;
    chart.querySelectorAll('.xaxislayer-above, .yaxislayer-above').forEach(layer => {
      const ticks = Array.from(layer.querySelectorAll('.xtick text, .ytick text')).filter(t => t.textContent);
      for (let i = 1; i < ticks.length; i++) {
        const a = box(ticks[i - 1]), b = box(ticks[i]);
        const turn = /rotate\((-?[\d.]+)/.exec(ticks[i].getAttribute('transform') || '');
        const size = parseFloat(getComputedStyle(ticks[i]).fontSize) || 12;
        // slanted labels: parallel lines whose gap is the anchors' distance times the sine of the angle
        const clash = turn && Math.abs(parseFloat(turn[1])) > 1
          ? Math.abs(b.right - a.right) * Math.abs(Math.sin(parseFloat(turn[1]) * Math.PI / 180)) < 0.8 * size
          : hit(a, b);
        if (clash) { out.push(`${name}: tick labels ${ticks[i - 1].textContent} / ${ticks[i].textContent} overlap`); break; }
      }
    });
    const legend = chart.querySelector('.legend');
    if (legend) {
      const lb = legend.querySelector('.bg') ? box(legend.querySelector('.bg')) : box(legend);
      chart.querySelectorAll('.gtitle, .g-gtitle text, .g-xtitle text, .g-ytitle text, .g-y2title text, .annotation-text').forEach(t => {
        if (t.textContent && hit(lb, box(t))) out.push(`${name}: the legend covers ${JSON.stringify(t.textContent.slice(0, 30))}`);
      });
    }
  });
  return out;
}

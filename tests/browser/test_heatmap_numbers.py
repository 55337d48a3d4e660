"""Heatmap numbers as Chromium renders them, at the desktop's 1440 px and a phone's 390 px:
at least 11 CSS px (font size times the SVG's scale), inside their cell, and with a
contrast of at least 4.5:1 against the cell's fill (WCAG 2)."""
import pytest

from test_offline import CHROMIUM, FLAGS, base_url  # noqa: F401

pytestmark = pytest.mark.browser

HEATMAPS = """() => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => {
    const [r, g, b] = rgb(c).map(v => {
      v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
  };
  const out = [];
  for (const svg of document.querySelectorAll('svg[aria-label*="shape ("]')) {
    const box = svg.getBoundingClientRect();
    if (!box.width) continue;
    const scale = box.width / svg.width.baseVal.value;
    const rects = [...svg.querySelectorAll('rect')];
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBoundingClientRect();
      const cx = b.left + b.width / 2, cy = b.top + b.height / 2;
      const cell = rects.find(r => {
        const c = r.getBoundingClientRect();
        return c.left <= cx && cx <= c.right && c.top <= cy && cy <= c.bottom;
      });
      const c = cell.getBoundingClientRect();
      out.push({text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * scale,
                inside: b.width <= c.width + 0.5,
                ratio: ratio(getComputedStyle(t).fill, getComputedStyle(cell).fill)});
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width, height", [(1440, 900), (390, 844)])
def test_heatmap_numbers_are_11px_with_a_contrast_of_4_5(base_url, width, height):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        page = b.new_page(viewport={"width": width, "height": height})
        page.goto(base_url + "book/02_backprop.html", wait_until="load")
        page.wait_for_load_state("networkidle")
        numbers = page.evaluate(HEATMAPS)
        # every frame of the backprop stepper (the first frames are measured above)
        stepper = page.locator(".mdlib-stepper", has=page.locator(
            'svg[aria-label*="shape ("]')).first
        # textContent: a stepper far from the screen is in a section the browser skips
        # (mdlib-book.css), whose innerText is empty until it is shown.
        frames = int(stepper.locator("[data-role=counter]").text_content().split("/")[1])
        for _ in range(frames - 1):
            stepper.locator("[data-step=next]").click()
            numbers += page.evaluate(HEATMAPS)
        b.close()
    assert len(numbers) >= 100, numbers            # the stepper's frames, the explorable
    small = [n for n in numbers if n["px"] < 11]
    low = [n for n in numbers if n["ratio"] < 4.5]
    outside = [n for n in numbers if not n["inside"]]
    assert not small and not low and not outside, (small, low, outside)
    print(f"{width} px: {len(numbers)} numbers, font >= "
          f"{min(n['px'] for n in numbers):.1f} px, contrast >= "
          f"{min(n['ratio'] for n in numbers):.2f}")

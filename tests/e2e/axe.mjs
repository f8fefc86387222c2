// axe-core in the browser tests: runs axe's WCAG 2.0/2.1/2.2 A and AA rules and its best practices on a page as it is
// now, and fails with a list a person can act on (rule, impact, elements, help). axe.source is injected with
// page.evaluate: evaluation through the DevTools protocol (Chromium) and WebDriver BiDi (Firefox) is not subject to
// the page's CSP, so the strict CSP of the popup and of the demo site does not block it, nor the `new Function` axe
// uses for its messages (checked in both browsers; were it blocked, the injection or axe.run would throw, and the
// check with it). No rule is switched off: what axe finds is reported.
//
// AxeLedger keeps the results of a flow's checks for one test at the end of the flow, so that a violation waiting
// for a fix does not stop the flow's own assertions; a label it has checked once (the same screen in the same state)
// is not checked again. With AXE_REPORT=<file> it also appends every violation there, as Markdown, for whoever fixes
// them.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import axe from 'axe-core';
import { withDeadline } from './helpers.mjs';

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** axe's violations on `page`: [{ id, impact, help, helpUrl, nodes: [{ target, html, summary }] }]. */
export async function axeViolations(page) {
  const { ran, violations } = await withDeadline(
    (async () => {
      if (!(await page.evaluate(() => typeof globalThis.axe?.run === 'function'))) await page.evaluate(axe.source);
      return runAxe(page);
    })(),
    'axe',
  );
  assert.ok(ran > 0, 'axe ran no rule on the page');
  return violations;
}

/** axe.run on the page, its results reduced to what a report needs. */
function runAxe(page) {
  return page.evaluate(async (tags) => {
    const result = await globalThis.axe.run(document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return {
      ran: result.passes.length + result.violations.length + result.incomplete.length,
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
          target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '),
          html: n.html.replace(/\s+/g, ' ').slice(0, 160),
          summary: n.failureSummary?.replace(/\s+/g, ' ').trim() ?? '',
        })),
      })),
    };
  }, AXE_TAGS);
}

/** The violations found on `label` as readable text, one rule per paragraph. */
export function describeViolations(label, violations) {
  const rules = violations.map((v) =>
    [
      `  ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`,
      ...v.nodes.map((n) => `    at ${n.target}: ${n.html}\n      ${n.summary}`),
    ].join('\n'),
  );
  return `${label}: ${violations.length} axe violation(s)\n${rules.join('\n')}`;
}

/** Fails, with the readable list, when axe finds any violation on `page`. */
export async function expectNoAxeViolations(page, label) {
  const violations = await axeViolations(page);
  if (violations.length) throw new assert.AssertionError({ message: describeViolations(label, violations) });
}

/** Records the axe results of many checks (one per screen or page) for one assertion at the end. */
export class AxeLedger {
  /** @type {{ label: string, violations: object[] }[]} */
  #results = [];

  async check(page, label) {
    if (this.labels.includes(label)) return;
    const violations = await axeViolations(page);
    this.#results.push({ label, violations });
    if (violations.length && process.env.AXE_REPORT) appendReport(process.env.AXE_REPORT, label, violations);
  }

  /** The labels checked so far, in order. */
  get labels() {
    return this.#results.map((r) => r.label);
  }

  /**
   * Fails when a label in `required` was never checked (the flow did not reach that screen) or when any check found
   * violations, listing all of them.
   */
  assertClean(required = []) {
    const missing = required.filter((label) => !this.labels.includes(label));
    assert.deepEqual(missing, [], `screens never checked with axe (checked: ${this.labels.join(', ')})`);
    const failed = this.#results.filter((r) => r.violations.length);
    if (failed.length) {
      throw new assert.AssertionError({
        message: `axe found violations on ${failed.length} of ${this.#results.length} checks:\n${failed
          .map((r) => describeViolations(r.label, r.violations))
          .join('\n')}`,
      });
    }
  }
}

function appendReport(file, label, violations) {
  const lines = violations.flatMap((v) =>
    v.nodes.map((n) => `| ${label} | ${v.id} (${v.impact}) | \`${n.target}\` | ${v.help} |`),
  );
  fs.appendFileSync(file, `${lines.join('\n')}\n`);
}

import { waitFor } from '@conveyor/testkit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DASHBOARD_ADMIN_TOKEN,
  startDashboardRig,
  type DashboardRig,
} from './support/dashboard-browser.ts';

/** The board's add-job form in Chromium, against the contract. */
describe("the dashboard's add job", () => {
  let rig: DashboardRig;

  beforeAll(async () => {
    rig = await startDashboardRig(inject('redisUrl'), 'dashboard-add-job');
  }, 120_000);
  afterAll(async () => {
    await rig?.close();
  });

  it("starts with the required fields, takes the queue's only job, and shows the contract's own message", async () => {
    const { page } = await rig.newPage();
    await rig.signIn(page, DASHBOARD_ADMIN_TOKEN);
    await page.goto(`${rig.api.apiUrl}/admin/queue/default`);
    await page.getByRole('link', { name: /^LATEST/ }).waitFor();
    const form = page.locator('#add-job-form');
    const data = form.locator('.cm-content').first();
    // Asked again until it opens: a click while the last dialog fades out is lost.
    const openForm = () =>
      waitFor(
        async () => {
          try {
            await page.locator('button[aria-haspopup]').last().click();
            await page
              .getByRole('menuitem', { name: 'Add job' })
              .click({ timeout: 5_000 });
            await form.waitFor({ timeout: 5_000 });
            return true;
          } catch {
            await page.keyboard.press('Escape');
            return undefined;
          }
        },
        45_000,
        'the add-job form',
      );
    await openForm();
    await rig.shot(page, '01-add-job-form');
    await expect(data.innerText()).resolves.toMatch(/"message":\s*""/);

    // Left as it starts: the required message is empty, which the contract refuses.
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const shown = page.getByText('data.message').first();
    await shown.waitFor();
    const body = await page.locator('body').innerText();
    expect(body).not.toContain('{{');
    expect(body).toMatch(/data\.message: Too small/);
    await rig.shot(page, '02-add-job-refused');

    await form.waitFor({ state: 'detached' }); // the board closes the form either way
    await openForm();
    await data.focus();
    await page.keyboard.press('Control+A');
    // Inserted, not typed: the editor would close each bracket and quote again.
    await page.keyboard.insertText('{"message": "added on the board"}');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const added = await waitFor(async () => {
      const page = await rig.harness.client.jobs.list.query({
        name: 'TEST_JOB',
      });
      return page.items.find(
        (job) =>
          (job.data as { message: string }).message === 'added on the board',
      );
    });
    expect(added.name).toBe('TEST_JOB');
    await page.close();
  }, 120_000);
});

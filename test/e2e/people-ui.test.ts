import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { IndexSummary, PersonSummary } from '../../preload/contract.js';
import { chromiumMissing, openApp, screenshot, serve } from '../helpers/browser.js';
import { tempDir } from '../helpers/temp-dir.js';
import { DEBIAN_PHOTOS, testModelEnv } from '../helpers/test-models.js';
import { accessibilityViolations } from './accessibility.js';

/** Group photos shipped with face-api's package (its demo), used from node_modules, never copied into the repository. */
const DEMO = path.join(path.dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');

test(
  'people in Chromium: faces found from the People view, a person named from their card and their photos opened; a photo\'s faces in its details, one taken out',
  { skip: chromiumMissing ?? (fs.existsSync(path.join(DEBIAN_PHOTOS, 'astronaut.png')) ? undefined : 'no ../shared photos'), timeout: 300_000 },
  async (t) => {
    const dir = tempDir(t);
    const photos = path.join(dir, 'Pictures');
    fs.mkdirSync(photos);
    fs.copyFileSync(path.join(DEMO, 'sample1.jpg'), path.join(photos, 'friends.jpg'));
    // The same three people again, mirrored and darker: each of them twice.
    await sharp(path.join(DEMO, 'sample1.jpg')).flop().modulate({ brightness: 0.75 }).toFile(path.join(photos, 'friends-again.jpg'));
    fs.copyFileSync(path.join(DEBIAN_PHOTOS, 'astronaut.png'), path.join(photos, 'astronaut.png'));
    fs.copyFileSync(path.join(DEBIAN_PHOTOS, 'coffee.png'), path.join(photos, 'coffee.png'));
    const served = await serve(t, { db: path.join(dir, 'data', 'library.db'), env: testModelEnv(path.join(dir, 'models')) });
    await served.api<IndexSummary>('index', { paths: [photos] });
    const { page, pageErrors } = await openApp(t, served);
    await page.getByTestId('result-count').filter({ hasText: '4 items' }).waitFor();

    // No faces looked for yet: the People view offers to, and lists the people found.
    await page.getByRole('button', { name: 'People', exact: true }).click();
    const view = page.getByRole('region', { name: 'People' });
    await view.getByRole('button', { name: 'Find the faces in photos' }).click();
    const cards = view.getByRole('list', { name: 'People' });
    await cards.getByRole('listitem').nth(3).waitFor({ timeout: 120_000 });
    const people = await served.api<PersonSummary[]>('people', {});
    assert.equal(people.length, 4, `three friends and the astronaut: ${JSON.stringify(people.map((p) => p.faces))}`);
    assert.deepEqual(people.map((p) => p.faces).sort(), [1, 2, 2, 2]);
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'people-01-view');

    // Named from the card; her face opens her photos, newest first.
    const first = people[0] as PersonSummary;
    await view.getByLabel(`Name of person #${first.id}`).fill('Ana');
    await view.getByLabel(`Name of person #${first.id}`).press('Enter');
    await view.getByRole('button', { name: 'Photos of Ana (2)' }).waitFor();
    await screenshot(page, 'people-02-named');
    await page.setViewportSize({ width: 1024, height: 640 });
    await screenshot(page, 'people-03-named-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    await view.getByRole('button', { name: 'Photos of Ana (2)' }).click();
    await page.getByText('“person:"Ana"”').waitFor();
    const names = await page.locator('[role="gridcell"][data-name]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-name')).sort());
    assert.deepEqual(names, ['friends-again.jpg', 'friends.jpg']);

    // A photo's details name its people; one of Ana's faces taken out ("not Ana") leaves her.
    await page.locator('[role="gridcell"][data-name="friends-again.jpg"]').dblclick();
    const details = page.getByRole('complementary', { name: 'Details' });
    const inPicture = details.getByRole('region', { name: 'People in the picture' });
    await inPicture.getByText('Ana', { exact: true }).waitFor();
    await page.getByTestId('face-marks').waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'people-04-details');

    // Full window, the known faces are framed; one reached by the keyboard alone opens that person's photos.
    await page.locator('[role="gridcell"][data-name="friends-again.jpg"]').click();
    await page.keyboard.press('v');
    const viewer = page.getByRole('dialog', { name: /^Viewer: / });
    const faceMarks = viewer.getByTestId('viewer-faces');
    await faceMarks.getByRole('button', { name: 'Photos of Ana' }).waitFor();
    assert.equal(await faceMarks.getByRole('button').count(), 3, 'the three friends framed');
    await page.waitForFunction(() => (document.querySelector('.viewer img') as HTMLImageElement | null)?.complete === true);
    assert.deepEqual(await accessibilityViolations(page), []);
    await faceMarks.getByRole('button', { name: 'Photos of Ana' }).hover();
    await screenshot(page, 'people-07-viewer');
    await page.setViewportSize({ width: 1024, height: 640 });
    await screenshot(page, 'people-08-viewer-1024');
    await page.setViewportSize({ width: 1440, height: 900 });
    // I hides the info and the frames with it, and shows them again.
    await page.keyboard.press('i');
    await faceMarks.waitFor({ state: 'detached' });
    await page.keyboard.press('i');
    const others = (await faceMarks.getByRole('button').all()).length;
    let tabs = 0;
    while (!(await faceMarks.getByRole('button', { name: 'Photos of Ana' }).evaluate((b) => b === document.activeElement)) && tabs++ < 30) await page.keyboard.press('Tab');
    assert.ok(tabs <= 30 && others === 3, 'Tab reaches her face');
    await page.keyboard.press('Enter');
    await viewer.waitFor({ state: 'detached' });
    await page.getByText('“person:"Ana"”').waitFor();
    await page.locator('[role="gridcell"][data-name="friends-again.jpg"]').dblclick();
    await inPicture.getByText('Ana', { exact: true }).waitFor();
    await inPicture.getByRole('button', { name: 'Not Ana' }).click();
    await page.getByRole('status').filter({ hasText: "That face is not Ana's any more" }).waitFor();
    const after = await served.api<PersonSummary[]>('people', {});
    assert.equal(after.find((p) => p.name === 'Ana')?.faces, 1);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.getByRole('button', { name: 'People', exact: true }).click();
    await view.getByRole('button', { name: 'Photos of Ana (1)' }).waitFor();
    await screenshot(page, 'people-05-dark');

    // Privacy: forgetting every face asks first, then nothing about faces is left.
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.getByRole('button', { name: 'Forget every face and name…' }).click();
    const confirm = settings.getByRole('alertdialog', { name: 'Forget every face' });
    assert.deepEqual(await accessibilityViolations(page), []);
    await screenshot(page, 'people-06-forget');
    await confirm.getByRole('button', { name: 'Forget them' }).click();
    await page.getByRole('status').filter({ hasText: "Forgot 7 faces and every person's name" }).waitFor();
    assert.deepEqual(await served.api<PersonSummary[]>('people', { hidden: true }), []);
    assert.equal((await served.api<{ faces: boolean }>('settings', {})).faces, false);
    await page.keyboard.press('Escape');
    await view.getByRole('button', { name: 'Find the faces in photos' }).waitFor();
    assert.deepEqual(pageErrors, []);
  },
);

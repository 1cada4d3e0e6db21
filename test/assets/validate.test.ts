// The validate step on the real Khronos validator: valid models pass, broken ones fail with messages a merchant can
// act on, and compressed geometry (which the validator cannot read) is decoded and validated too.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { draco } from '@gltf-transform/functions';
import { type PipelineTools, loadPipelineTools } from '../../src/assets/tools.ts';
import { describeErrors, validate } from '../../src/assets/validate.ts';
import { demoModel, editGlbJson, noModels, realModel } from './fixtures.ts';

let tools: PipelineTools;
before(async () => {
  tools = await loadPipelineTools();
});

describe('validate', () => {
  it('passes a generated demo model with no errors', async () => {
    const v = await validate(await demoModel('bar-stool'), tools);
    assert.equal(v.errors, 0);
    assert.equal(v.warnings, 0);
    assert.deepEqual(v.compressed, []);
    assert.equal(v.decodedChecked, true);
  });

  it('passes a real model; hints are counted but listed only when asked for', { skip: noModels }, async () => {
    const glb = realModel('WaterBottle.glb');
    const v = await validate(glb, tools);
    assert.equal(v.errors, 0);
    assert.ok(v.hints > 0, 'WaterBottle has BUFFER_VIEW_TARGET_MISSING hints');
    assert.equal(v.messages.filter((m) => m.severity === 'hint').length, 0);
    const withHints = await validate(glb, { ...tools, includeHints: true, maxMessages: 2 });
    assert.equal(withHints.messages.length, 2);
    assert.equal(withHints.truncated, true);
    assert.equal(withHints.messages[0]!.code, 'BUFFER_VIEW_TARGET_MISSING');
    assert.match(withHints.messages[0]!.pointer, /^\/meshes\/0\//);
  });

  it('fails a GLB whose accessor reads past its buffer, with the validator messages for the merchant', async () => {
    const broken = editGlbJson(await demoModel('bar-stool'), (json) => {
      (json.accessors as { count: number }[])[0]!.count = 10_000_000;
    });
    const v = await validate(broken, tools);
    assert.ok(v.errors > 0);
    const first = v.messages[0]!;
    assert.equal(first.severity, 'error', 'errors are listed first');
    assert.ok(first.code.length > 0 && first.message.length > 0);
    assert.match(first.pointer, /^\/accessors\/0/);
    assert.match(describeErrors(v), new RegExp(`^The model is not valid glTF \\(${v.errors} errors?\\): ${first.code} at /accessors/0`));
  });

  it('fails corrupted bytes and files that are not glTF at all', async () => {
    const corrupted = new Uint8Array(await demoModel('bar-stool'));
    corrupted.fill(0x41, 40, 120); // inside the JSON chunk
    const v = await validate(corrupted, tools);
    assert.ok(v.errors > 0);
    assert.equal(v.messages[0]!.code, 'INVALID_JSON');

    const text = await validate(new TextEncoder().encode('this is not a model'), tools);
    assert.ok(text.errors > 0);
    assert.equal(text.messages[0]!.severity, 'error');
  });

  it('validates the decoded form of Draco geometry, which the validator cannot read', async () => {
    const doc = await tools.io.readBinary(await demoModel('bar-stool'));
    await doc.transform(draco());
    const glb = await tools.io.writeBinary(doc);

    const blind = await validate(glb, { validator: tools.validator });
    assert.deepEqual(blind.compressed, ['KHR_draco_mesh_compression']);
    assert.equal(blind.decodedChecked, false);

    const v = await validate(glb, tools);
    assert.equal(v.errors, 0);
    assert.equal(v.decodedChecked, true);
    assert.ok(v.messages.some((m) => m.code === 'UNSUPPORTED_EXTENSION' && !m.decoded), 'the raw file still says what it could not check');
  });

  it('checks its options before any work', async () => {
    await assert.rejects(validate(new Uint8Array(12), { validator: undefined as never }), /^Error: validate: Requires a validator/);
    await assert.rejects(validate(new Uint8Array(12), { ...tools, maxMessages: 0 }), /^Error: validate: Requires maxMessages/);
  });
});

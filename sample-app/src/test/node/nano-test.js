// Runs the official CouchDB client, nano, against the sample app: node nano-test.js <url> [<url>...]
// With several URLs (instances of one cluster), nano talks to a local round-robin proxy: every request
// goes to a different instance than the one before. Exits 0 when every step behaves as it does against
// CouchDB, 1 otherwise.
'use strict'

const assert = require('node:assert/strict')
const Nano = require('nano')
const { startAlternatingProxy } = require('./alternate')

const urls = process.argv.slice(2)
if (urls.length === 0) {
  console.error('usage: node nano-test.js <server url> [<server url>...]')
  process.exit(2)
}

async function expectError (promise, statusCode, error) {
  try {
    await promise
  } catch (err) {
    assert.equal(err.statusCode, statusCode, `status of ${err.message}`)
    assert.equal(err.error, error)
    return err
  }
  assert.fail(`expected ${statusCode} ${error}`)
}

async function main () {
  const proxy = (urls.length > 1) ? await startAlternatingProxy(urls) : null
  try {
    await run(proxy ? proxy.url : urls[0])
  } finally {
    if (proxy) {
      await proxy.close()
    }
  }
  if (proxy) {
    console.log('requests per instance', JSON.stringify(urls.map((u, i) => [u, proxy.counts[i]])))
    for (const count of proxy.counts) {
      assert.ok(count > 10, 'every instance served its share')
    }
  }
  console.log('nano: all checks passed')
}

async function run (url) {
  const nano = Nano(url)
  const name = `nano-${Date.now()}`

  const info = await nano.info()
  assert.equal(info.couchdb, 'Welcome')
  console.log('server', info.version)

  assert.deepEqual(await nano.db.create(name), { ok: true })
  await expectError(nano.db.create(name), 412, 'file_exists')
  await expectError(nano.db.create('Not_Valid'), 400, 'illegal_database_name')
  console.log('created database', name)

  const db = nano.use(name)
  const inserted = await db.insert({ fruit: 'apple', price: 3 }, 'apple')
  assert.equal(inserted.ok, true)
  assert.match(inserted.rev, /^1-[0-9a-f]{32}$/)
  const generated = await db.insert({ fruit: 'pear' })
  assert.match(generated.id, /^[0-9a-f]{32}$/)
  console.log('inserted', inserted.id, inserted.rev, 'and', generated.id)

  const apple = await db.get('apple')
  assert.equal(apple._id, 'apple')
  assert.equal(apple._rev, inserted.rev)
  assert.equal(apple.price, 3)
  assert.equal((await db.head('apple')).etag, `"${inserted.rev}"`)
  console.log('got', apple._id, apple._rev)

  apple.price = 4
  const updated = await db.insert(apple)
  assert.match(updated.rev, /^2-/)
  console.log('updated to', updated.rev)

  const stale = { _id: 'apple', _rev: inserted.rev, price: 5 }
  const conflict = await expectError(db.insert(stale), 409, 'conflict')
  assert.equal(conflict.reason, 'Document update conflict.')
  await expectError(db.insert({ price: 6 }, 'apple'), 409, 'conflict')
  console.log('stale revision refused:', conflict.message)

  const deleted = await db.destroy('apple', updated.rev)
  assert.equal(deleted.ok, true)
  assert.match(deleted.rev, /^3-/)
  const gone = await expectError(db.get('apple'), 404, 'not_found')
  assert.equal(gone.reason, 'deleted')
  await expectError(db.get('never-there'), 404, 'not_found')
  console.log('deleted apple, now', gone.reason)

  const bulk = await db.bulk({ docs: [{ _id: 'a', n: 1 }, { _id: 'b', n: 2 }, { _id: generated.id, n: 0 }] })
  assert.equal(bulk.length, 3)
  assert.equal(bulk[0].ok, true)
  assert.equal(bulk[1].ok, true)
  assert.equal(bulk[2].error, 'conflict')
  console.log('bulk', JSON.stringify(bulk.map((r) => r.error || r.rev.slice(0, 2))))

  const list = await db.list({ include_docs: true })
  assert.equal(list.total_rows, 3)
  assert.deepEqual(list.rows.map((row) => row.id), ['a', 'b', generated.id].sort())
  assert.equal(list.rows.find((row) => row.id === 'b').doc.n, 2)
  const ranged = await db.list({ startkey: 'a', endkey: 'a' })
  assert.deepEqual(ranged.rows.map((row) => row.id), ['a'])
  const fetched = await db.fetch({ keys: ['a', 'zz'] })
  assert.equal(fetched.rows[0].doc.n, 1)
  assert.equal(fetched.rows[1].error, 'not_found')
  console.log('list', list.rows.length, 'rows')

  const changes = await db.changes({ since: 0, include_docs: true })
  assert.deepEqual(changes.results.map((c) => c.id), [generated.id, 'apple', 'a', 'b'])
  assert.equal(changes.results.find((c) => c.id === 'apple').deleted, true)
  assert.equal(changes.results.find((c) => c.id === 'a').doc.n, 1)
  const dbInfo = await db.info()
  assert.equal(dbInfo.doc_count, 3)
  assert.equal(dbInfo.doc_del_count, 1)
  assert.equal(dbInfo.update_seq, changes.last_seq)
  console.log('changes', changes.results.length, 'last_seq', changes.last_seq)

  // The changes reader long-polls (POST _changes?feed=longpoll); it must see a later write,
  // whether the write lands before its first poll or while the poll waits.
  const seen = new Promise((resolve, reject) => {
    const reader = db.changesReader.start({ since: dbInfo.update_seq, timeout: 10000 })
    reader.on('change', (change) => {
      if (change.id === 'late') {
        db.changesReader.stop()
        resolve(change)
      }
    })
    reader.on('error', reject)
  })
  await db.insert({ late: true }, 'late')
  const late = await seen
  assert.match(late.changes[0].rev, /^1-/)
  console.log('changesReader saw', late.id)

  const dbs = await nano.db.list()
  assert.ok(dbs.includes(name))
  assert.deepEqual(await nano.db.destroy(name), { ok: true })
  await expectError(nano.db.get(name), 404, 'not_found')
  assert.ok(!(await nano.db.list()).includes(name))
  console.log('destroyed database', name)
}

main().catch((err) => {
  console.error('nano test failed:', err)
  process.exit(1)
})

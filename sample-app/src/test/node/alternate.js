// A round-robin HTTP proxy on 127.0.0.1 for running nano against several instances of the app:
// request n goes to target n % targets.length, so consecutive requests always reach different
// instances. Bodies stream both ways (a long poll stays open through it). Counts what each target got.
'use strict'

const http = require('node:http')

function startAlternatingProxy (targets) {
  const agent = new http.Agent({ keepAlive: true })
  const counts = targets.map(() => 0)
  let next = 0
  const server = http.createServer((req, res) => {
    const index = next
    next = (next + 1) % targets.length
    counts[index]++
    const target = new URL(req.url, targets[index])
    const headers = { ...req.headers, host: target.host }
    const upstream = http.request(target, { method: req.method, headers, agent }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', (err) => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: 'proxy', reason: `${targets[index]}: ${err.message}` }))
      } else {
        res.destroy(err)
      }
    })
    // The client gave up (nano's changesReader.stop() aborts its long poll): so does the proxy.
    res.on('close', () => {
      if (!res.writableFinished) {
        upstream.destroy()
      }
    })
    req.pipe(upstream)
  })
  return new Promise((resolve, reject) => {
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        counts,
        close: () => new Promise((done) => {
          agent.destroy()
          server.closeAllConnections()
          server.close(done)
        })
      })
    })
  })
}

module.exports = { startAlternatingProxy }

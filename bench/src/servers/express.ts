import express from 'express';

// The ceiling: a bare Express 5 server with the JSON route the Trellis figures use.
const app = express();
app.get('/api/example/hello', (_req, res) => {
  res.json({ message: 'Hello from Trellis!' });
});
app.get('/.trellis/health/v1/readiness', (_req, res) => {
  res.json({ status: 'ok' });
});
app.listen(Number(process.env.PORT), '127.0.0.1');

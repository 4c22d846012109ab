// The media pipeline done by sharp (libvips, one thread) on the same image as the Rust benchmark:
// decode a PNG, 512 px Lanczos3 thumbnail as WebP q80, then a 16 px WebP placeholder from the thumbnail.
import fs from 'node:fs';
import sharp from 'sharp';

const file = process.argv[2];
const iterations = Number(process.argv[3] ?? 60);
const input = fs.readFileSync(file);
sharp.concurrency(1);
sharp.cache(false);

async function once() {
  const thumb = await sharp(input).resize(512, 512, { fit: 'inside', kernel: 'lanczos3', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
  await sharp(thumb).resize(16, 16, { fit: 'inside', kernel: 'lanczos3' }).webp({ quality: 50 }).toBuffer();
}

for (let i = 0; i < 5; i++) await once();
const times = [];
for (let i = 0; i < iterations; i++) {
  const t = process.hrtime.bigint();
  await once();
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(JSON.stringify({ impl: 'sharp', iterations, mean_ms: mean, p50_ms: times[Math.floor(times.length / 2)], min_ms: times[0] }));

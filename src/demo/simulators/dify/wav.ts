/**
 * Real audio for the simulated text-to-speech model: a short RIFF/WAVE file (16 kHz, mono,
 * 16-bit PCM) with one soft tone per word, and the spoken text in a `LIST/INFO/ICMT` chunk so
 * the simulated speech-to-text model can "hear" it again (a round trip tests can check).
 */

const SAMPLE_RATE = 16_000;
/** Per word, in seconds; the whole clip is capped so a long answer stays a small file. */
const WORD_SECONDS = 0.12;
const MAX_SECONDS = 6;

/**
 * Synthesizes `text` as WAV bytes (`audio/wav`): between 0.25 s and 6 s of sound, ~3–190 KB.
 */
export function synthesizeWav(text: string): Buffer {
  const words = text.split(/\s+/).filter(Boolean);
  const seconds = Math.min(MAX_SECONDS, Math.max(0.25, words.length * WORD_SECONDS));
  const samples = Math.floor(seconds * SAMPLE_RATE);
  const pcm = Buffer.alloc(samples * 2);
  const perWord = Math.max(1, Math.floor(samples / Math.max(1, words.length)));
  for (let index = 0; index < samples; index += 1) {
    const word = words[Math.floor(index / perWord)] ?? '';
    const frequency = 180 + ((word.length * 37) % 220);
    const within = (index % perWord) / perWord;
    // A short fade at both ends of each word avoids clicks.
    const envelope = Math.min(1, within * 20, (1 - within) * 20);
    pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequency * index) / SAMPLE_RATE) * 6000 * envelope), index * 2);
  }
  const comment = Buffer.from(`${text}\0`, 'utf8');
  const commentPadded = comment.length % 2 === 0 ? comment : Buffer.concat([comment, Buffer.alloc(1)]);
  const info = Buffer.concat([Buffer.from('INFO'), chunk('ICMT', commentPadded, comment.length)]);
  const format = Buffer.alloc(16);
  format.writeUInt16LE(1, 0); // PCM
  format.writeUInt16LE(1, 2); // mono
  format.writeUInt32LE(SAMPLE_RATE, 4);
  format.writeUInt32LE(SAMPLE_RATE * 2, 8);
  format.writeUInt16LE(2, 12);
  format.writeUInt16LE(16, 14);
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', format), chunk('LIST', info), chunk('data', pcm)]);
  return chunk('RIFF', body);
}

/** The text a `synthesizeWav` file carries, or undefined for any other audio. */
export function readWavComment(audio: Buffer): string | undefined {
  if (audio.length < 12 || audio.toString('latin1', 0, 4) !== 'RIFF' || audio.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let offset = 12;
  while (offset + 8 <= audio.length) {
    const id = audio.toString('latin1', offset, offset + 4);
    const size = audio.readUInt32LE(offset + 4);
    const start = offset + 8;
    if (id === 'LIST' && audio.toString('latin1', start, start + 4) === 'INFO') {
      let inner = start + 4;
      while (inner + 8 <= start + size) {
        const innerSize = audio.readUInt32LE(inner + 4);
        if (audio.toString('latin1', inner, inner + 4) === 'ICMT') {
          return audio.toString('utf8', inner + 8, inner + 8 + innerSize).replace(/\0+$/, '');
        }
        inner += 8 + innerSize + (innerSize % 2);
      }
    }
    offset = start + size + (size % 2);
  }
  return undefined;
}

function chunk(id: string, data: Buffer, declaredSize = data.length): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'latin1');
  header.writeUInt32LE(declaredSize, 4);
  return Buffer.concat([header, data]);
}

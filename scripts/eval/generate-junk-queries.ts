/**
 * Writes scripts/eval/junk-queries.jsonl: queries a scientific-paper index should have no good
 * answer for, to see whether a search score tells a right answer from a wrong one or from junk.
 * Seeded, so the file is reproducible: `node --import tsx scripts/eval/generate-junk-queries.ts`.
 *
 * Kinds: `off-topic` (plain claims and questions from other fields: history, cooking, sports, law,
 * astronomy, music, ...), `words` (random English words), `mash` (keyboard mash), `noise` (random
 * printable and non-Latin characters) and `bytes` (random bytes read as Latin-1).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../../src/shared/seeded-random.js';

export interface JunkQuery {
  _id: string;
  kind: 'off-topic' | 'words' | 'mash' | 'noise' | 'bytes';
  text: string;
}

const offTopicClaims: Record<string, string[]> = {
  history: [
    'The Treaty of Westphalia ended the Thirty Years War in 1648.',
    'Napoleon was defeated at Waterloo by a coalition led by Wellington and Blucher.',
    'The Roman Republic became an empire when Augustus took power.',
    'The printing press of Gutenberg spread across Europe within fifty years.',
    'The fall of Constantinople in 1453 ended the Byzantine Empire.',
    'Magna Carta limited the power of the English king in 1215.',
    'The Hundred Years War was fought between England and France.',
    'Viking longships reached North America around the year 1000.',
    'Who was the first emperor of the Ming dynasty?',
    'The Berlin Wall fell in November 1989.',
    'Ancient Egyptian pharaohs were buried with boats for the afterlife.',
    'The Silk Road connected Chinese merchants with Mediterranean traders.',
  ],
  cooking: [
    'Resting a steak after grilling keeps the juices inside the meat.',
    'A sourdough starter needs flour and water fed every day.',
    'How long should I boil an egg for a runny yolk?',
    'Adding salt to pasta water makes the noodles taste better.',
    'Caramelizing onions slowly over low heat brings out their sweetness.',
    'Risotto needs warm stock added one ladle at a time.',
    'Cast iron pans should be seasoned with a thin layer of oil.',
    'Whipping cream doubles in volume when beaten cold.',
    'The best pizza dough ferments in the fridge for two days.',
    'Fresh basil should be added at the end of cooking a tomato sauce.',
    'A good vinaigrette uses three parts oil to one part vinegar.',
    'Chocolate chip cookies spread less when the dough is chilled.',
  ],
  sports: [
    'The offside rule in football was changed to favour attacking players.',
    'A marathon is exactly 42.195 kilometres long.',
    'Which team won the most Stanley Cup titles?',
    'Tennis players switch ends of the court after odd games.',
    'A cricket over consists of six legal deliveries.',
    'The Tour de France finishes on the Champs-Elysees in Paris.',
    'Basketball teams get a shot clock of twenty four seconds.',
    'Left-handed pitchers have an advantage against left-handed batters.',
    'The home run record was broken during the steroid era of baseball.',
    'Chess grandmasters memorize thousands of opening lines.',
    'Formula One cars generate more downforce than their own weight.',
    'A hole in one on a par five is called a condor.',
  ],
  law: [
    'A contract signed under duress is voidable by the injured party.',
    'The statute of limitations for fraud varies between states.',
    'Can a landlord keep the deposit for normal wear and tear?',
    'The Supreme Court struck down the law as unconstitutional.',
    'Copyright protection lasts seventy years after the death of the author.',
    'A will must be witnessed by two people who are not beneficiaries.',
    'Double jeopardy forbids trying a person twice for the same crime.',
    'Trademark infringement requires a likelihood of consumer confusion.',
    'The defendant pleaded no contest to the traffic violation.',
    'Tenants have a right to quiet enjoyment of the rented property.',
    'An easement lets a neighbour cross private land to reach the road.',
    'The jury must reach a unanimous verdict in a criminal trial.',
  ],
  astronomy: [
    'Jupiter has the largest moon in the solar system, Ganymede.',
    'A light year is the distance light travels in one year.',
    'The rings of Saturn are made mostly of ice particles.',
    'How far away is the Andromeda galaxy?',
    'Pluto was reclassified as a dwarf planet in 2006.',
    'A total solar eclipse happens when the moon covers the sun completely.',
    'Neutron stars spin hundreds of times per second.',
    'The Great Red Spot is a storm larger than the Earth.',
    'Comets grow tails when they approach the sun.',
    'The cosmic microwave background is the afterglow of the big bang.',
    'Mars has the tallest volcano in the solar system.',
    'Meteor showers occur when Earth crosses the debris of a comet.',
  ],
  music: [
    'Beethoven composed his ninth symphony while almost completely deaf.',
    'A guitar has six strings tuned E A D G B E.',
    'Jazz improvisation grew out of blues and ragtime.',
    'Who wrote the opera The Marriage of Figaro?',
    'A major scale has seven notes and a specific pattern of steps.',
    'The Beatles recorded Abbey Road in 1969.',
    'Vinyl records are making a comeback among collectors.',
    'A string quartet has two violins, a viola and a cello.',
    'The piano was invented in Italy by Bartolomeo Cristofori.',
    'Hip hop started at block parties in the Bronx.',
    'Orchestras tune to the A played by the oboe.',
    'A metronome keeps a steady tempo for practice.',
  ],
  geography: [
    'The Nile is the longest river in Africa.',
    'Mount Everest grows a few millimetres every year.',
    'What is the capital city of Australia?',
    'The Sahara desert is expanding southwards.',
    'Iceland sits on the Mid-Atlantic Ridge between two plates.',
    'The Amazon river carries more water than any other river.',
    'Lake Baikal is the deepest lake in the world.',
    'Norway has thousands of fjords carved by glaciers.',
    'The Dead Sea is the lowest point on land.',
    'Greenland is the largest island that is not a continent.',
    'The Andes run along the western coast of South America.',
    'Venice is built on more than one hundred small islands.',
  ],
  economics: [
    'Raising interest rates slows inflation by reducing borrowing.',
    'The stock market crashed in October 1929.',
    'Should I invest in index funds or individual stocks?',
    'A trade deficit means a country imports more than it exports.',
    'Minimum wage increases reduce employment among teenagers.',
    'Bitcoin prices are driven by speculation.',
    'Central banks print money through quantitative easing.',
    'Housing prices rise when mortgage rates fall.',
    'Tariffs on steel raise costs for car manufacturers.',
    'Compound interest doubles savings roughly every ten years at seven percent.',
    'A recession is two consecutive quarters of negative growth.',
    'The gold standard tied currencies to a fixed amount of gold.',
  ],
  engineering: [
    'Suspension bridges carry their load through cables in tension.',
    'Diesel engines ignite fuel by compression without a spark plug.',
    'How do I replace the brake pads on my car?',
    'Reinforced concrete combines steel bars with cement.',
    'Electric cars lose range in cold weather.',
    'A gearbox trades speed for torque.',
    'Skyscrapers sway in strong winds by design.',
    'Solar panels on the roof pay for themselves in eight years.',
    'Jet engines compress air before burning fuel.',
    'The Panama Canal uses locks to lift ships over the isthmus.',
    'Wind turbines turn slower in very high winds to avoid damage.',
    'A heat pump moves heat rather than generating it.',
  ],
  literature: [
    'Shakespeare wrote Hamlet around the year 1600.',
    'Don Quixote is often called the first modern novel.',
    'Who is the narrator of The Great Gatsby?',
    'Tolkien invented Elvish languages before writing his novels.',
    'A sonnet has fourteen lines.',
    'Jane Austen published Pride and Prejudice anonymously.',
    'The Odyssey tells of the ten year journey home of Odysseus.',
    'Haiku poems have three lines of five, seven and five syllables.',
    'Kafka asked his friend to burn his manuscripts.',
    'Moby Dick begins with the line Call me Ishmael.',
    'The detective Sherlock Holmes lived at 221B Baker Street.',
    'Dostoevsky wrote Crime and Punishment after his exile.',
  ],
  gardening: [
    'Tomatoes need at least six hours of direct sun a day.',
    'Pruning roses in late winter encourages more flowers.',
    'When should I plant tulip bulbs?',
    'Compost heaps need a balance of green and brown material.',
    'Lavender prefers dry, sandy soil.',
    'Mulch keeps weeds down and the soil moist.',
    'Hydrangeas turn blue in acidic soil.',
    'Seedlings should be hardened off before planting out.',
    'Slugs can be kept away with copper tape.',
    'A lawn should be mowed no shorter than five centimetres.',
    'Apple trees need a second variety nearby for pollination.',
    'Raised beds warm up earlier in spring.',
  ],
  everyday: [
    'What time does the train to Manchester leave?',
    'How do I get red wine out of a carpet?',
    'Cheap flights to Lisbon in September.',
    'The best way to fold a fitted sheet.',
    'My phone battery drains fast after the update.',
    'Is it going to rain tomorrow afternoon?',
    'Recommendations for a quiet hotel near the beach.',
    'How to train a puppy to stop biting.',
    'The wifi router keeps disconnecting at night.',
    'Birthday gift ideas for a ten year old.',
    'Which streaming service has the most films?',
    'How much paint do I need for a small bedroom?',
  ],
};

/** Plain, non-technical words to draw random word strings from. */
const commonWords = `
apple river window garden yellow mountain letter basket candle forest holiday pencil kitchen
button silver morning orange pocket ladder blanket cousin thunder bottle harbor meadow castle
violin jacket pillow rabbit shadow village marble feather bridge carpet island lantern market
needle planet rocket saddle tunnel wagon anchor biscuit captain dragon engine fabric goose hammer
jungle kettle lemon mirror napkin oyster parrot quilt ribbon saucer teapot umbrella velvet walrus
yacht zipper acorn bakery cabin daisy elbow fountain giraffe honey iceberg jigsaw kayak lobster
muffin nest olive puddle quarry raccoon scarf tractor unicorn vase whistle yarn zebra attic barn
chimney doorbell envelope fence gutter hedge igloo jar kite lawn mailbox nugget orchard porch
puzzle radish sandal tulip utensil vineyard wallet yogurt beach cloud dance eagle flame grape
hill ink jewel knot leaf moon nut ocean pearl queen rain sand tree valley wave bell cake drum
farm gate hat king lamp map nail owl pan ring ship toy vest wheel box cup dog egg fan gift
happy quiet brave lucky gentle narrow shiny sleepy tiny wooden purple rusty fuzzy hollow
jump sing paint climb whisper borrow wander giggle knit polish sweep juggle bake fold travel
yesterday tomorrow always never often someday perhaps nearly slowly loudly
`
  .split(/\s+/)
  .filter(Boolean);

const keyboardRows = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890', 'qazwsxedc', 'poiuytrewq'];

/** Ranges of printable code points: Latin punctuation, Greek, Cyrillic, CJK, Arabic, symbols, emoji. */
const noiseRanges: [number, number][] = [
  [0x21, 0x7e],
  [0x391, 0x3c9],
  [0x410, 0x44f],
  [0x4e00, 0x4fff],
  [0x627, 0x64a],
  [0x2190, 0x21ff],
  [0x2500, 0x257f],
  [0x1f300, 0x1f5ff],
];

export function generateJunkQueries(seed: number): JunkQuery[] {
  const random = seededRandom(seed);
  const integer = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const queries: JunkQuery[] = [];
  const push = (kind: JunkQuery['kind'], text: string) =>
    queries.push({ _id: `junk-${kind}-${queries.filter((q) => q.kind === kind).length + 1}`, kind, text });

  for (const claims of Object.values(offTopicClaims)) for (const claim of claims) push('off-topic', claim);
  for (let i = 0; i < 80; i++) push('words', Array.from({ length: integer(2, 9) }, () => pick(commonWords)).join(' '));
  for (let i = 0; i < 50; i++) {
    const words = Array.from({ length: integer(1, 4) }, () => {
      const row = pick(keyboardRows);
      const start = integer(0, row.length - 3);
      const run = row.slice(start, start + integer(3, row.length - start));
      return Array.from(run, (char) => (random() < 0.2 ? pick([...row]) : char)).join('');
    });
    push('mash', words.join(random() < 0.5 ? ' ' : ''));
  }
  for (let i = 0; i < 50; i++) {
    const chars = Array.from({ length: integer(3, 40) }, () => {
      const [low, high] = pick(noiseRanges);
      return random() < 0.15 ? ' ' : String.fromCodePoint(integer(low, high));
    });
    push('noise', chars.join('').trim() || '?');
  }
  for (let i = 0; i < 30; i++) {
    // Bytes read as Latin-1 minus control characters, so the JSON line stays printable.
    const chars = Array.from({ length: integer(4, 48) }, () => {
      const byte = integer(0x20, 0xff);
      return byte >= 0x7f && byte < 0xa0 ? ' ' : String.fromCharCode(byte);
    });
    push('bytes', chars.join('').trim() || '?');
  }
  return queries;
}

export const junkQueriesPath = fileURLToPath(new URL('./junk-queries.jsonl', import.meta.url));
/** The seed junk-queries.jsonl was generated with. */
export const junkQueriesSeed = 20240611;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const queries = generateJunkQueries(junkQueriesSeed);
  await writeFile(junkQueriesPath, queries.map((query) => JSON.stringify(query)).join('\n') + '\n');
  const counts = new Map<string, number>();
  for (const query of queries) counts.set(query.kind, (counts.get(query.kind) ?? 0) + 1);
  process.stdout.write(`${queries.length} queries written to ${junkQueriesPath}: ${[...counts].map(([kind, n]) => `${kind} ${n}`).join(', ')}\n`);
}

/**
 * Titles and authors for the demo source. Real charts are full of text that trips naive code:
 * accents, umlauts, CJK, Hangul, Arabic and Hebrew (right-to-left), Cyrillic, Greek, Thai, emoji.
 * So each region mostly gets sounds in its own languages and some in English, and global hits come
 * in the languages that travel. All names are invented.
 */
import { mix, unit } from "./demo-catalog";

interface Language {
  /** TikTok's label for a sound a user recorded, as shown in that language. */
  original: string;
  words: readonly string[];
  names: readonly string[];
  /** Regions where it is spoken at home. */
  homes: readonly string[];
}

function language(original: string, words: string, names: string, homes: string): Language {
  return { original, words: words.split("|"), names: names.split("|"), homes: homes.split(" ") };
}

const LANGUAGES = {
  en: language(
    "original sound",
    "Midnight|Summer Rain|Heartbeat|Golden Hour|Lonely Nights|Paradise|Runaway|Sugar Rush|Neon Lights|Forever Young|Wild Heart|Daydream|Low Tide|Body Talk|Tonight|Starlight|Main Character|Pretty Please|Slow Motion|Highway",
    "Lil Nova|The Weekenders|Maya Rose|DJ Kairo|Jaden Blake|Sophie Lane|BLVCK SUN|Tyler Reed|Ava Monroe|Crystal Waves|Kid Harbor|Luna Vale",
    "US CA",
  ),
  es: language(
    "sonido original",
    "Corazón|Noche Loca|Bailando|Mañana|Canción de Ti|Fuego|Mi Niña|Perreo Lento|Contigo|Besos|Pasión|Callejón|Sueño|Qué Rico",
    "Los Compadres|Camila Peña|DJ Tato|Ñengo Vibes|María José|El Güero|Sofía Núñez|Álvaro Ruiz",
    "AR CL CO MX PE ES US",
  ),
  pt: language(
    "som original",
    "Saudade|Coração|Pagodão|Ilusão|Paixão|Baile da Favela|Você e Eu|Amanhã|Sertão|Não Para|Menina",
    "MC Ravi|Luísa Sol|Zé do Forró|DJ Glênio|Ana Beatriz|João Vítor|Conceição",
    "BR PT",
  ),
  de: language(
    "Originalton",
    "Straße|Müde|Großstadt|Träume|Herzschlag|Für Immer|Übermorgen|Nachtschicht|Schön|Glück",
    "Jürgen Höfer|Lena Groß|Felix Böhm|DJ Müller|Die Fröhlichen|Sören",
    "DE AT CH LU",
  ),
  fr: language(
    "son original",
    "Été|Bébé|Ça Va|Rêve|Soirée|Mélodie|Là-bas|Cœur|Déjà Vu|Chérie",
    "Théo Lefèvre|Zoé|DJ Éric|Chloé B|Gaël|Inès Mercier",
    "FR BE MA CA CH LU LB",
  ),
  ar: language(
    "الصوت الأصلي",
    "حبيبي|يا ليل|قلبي|سهرانة|عيونك|يا غالي|زمان|دبكة|شمس|أمل",
    "نور الهدى|عمرو سالم|DJ Habibi|فرقة الشروق|ليلى|Yousef ✨",
    "BH EG IQ JO KW LB OM QA SA AE MA",
  ),
  he: language("צליל מקורי", "אהבה|לילה|חלום|ים|לב", "נועה|איתי|DJ אבי", "IL"),
  ja: language(
    "オリジナル楽曲",
    "夜に駆ける|さくら|恋|青春|未来|ハート|踊ろう|夏祭り|ありがとう|キラキラ",
    "ゆめ|たかし|ミク|ソラ|Haruto|はなび",
    "JP",
  ),
  ko: language(
    "오리지널 사운드",
    "사랑|너와 나|봄날|댄스 챌린지|하루|별빛|안녕|우리|심쿵|여름밤",
    "하늘|민준|서연|지우|NOVA 걸스|BTZ",
    "KR",
  ),
  zh: language("原創音樂", "愛情|夜空|青春|我們|心跳|夏天|回憶|星光", "小安|阿哲|周周|林小姐|DJ 阿凱", "TW MO SG MY"),
  vi: language(
    "âm thanh gốc",
    "Tình Yêu|Em Ơi|Hạnh Phúc|Mùa Hè|Đêm Nay|Người Ấy|Thương|Giấc Mơ",
    "Hải Đăng|Ngọc Ánh|Quốc Bảo|Thảo Vy|DJ Tùng",
    "VN",
  ),
  tr: language(
    "orijinal ses",
    "Gönül|Şarkı|Sevgilim|Yağmur|Gece|Aşk|Dağlar|Özledim|Çiçek|İstanbul",
    "Çağan|Özge Yıldız|Barış K|DJ Ümit|Şeyma",
    "TR",
  ),
  th: language("เสียงต้นฉบับ", "รักเธอ|คิดถึง|ทะเล|หัวใจ|ฝน|ดวงดาว", "น้องฟ้า|พี่บิว|มะปราง|DJ Ton", "TH"),
  id: language(
    "suara asli",
    "Cinta|Sayang|Rindu|Jangan Pergi|Pulang|Bintang|Hati|Kopi Senja",
    "Dinda|Rizky|Putri Ayu|DJ Koplo|Bayu",
    "ID MY",
  ),
  tl: language("original sound", "Mahal Kita|Ikaw|Sayaw|Kilig|Tadhana|Pasko", "Andeng|Migo|Kuya Jeff|Bea Santos", "PH"),
  ru: language(
    "оригинальный звук",
    "Любовь|Ночь|Танцуй|Зима|Звезда|Мечта|Лето",
    "Алина|Максим|DJ Саня|Ксения",
    "BY KZ UZ",
  ),
  uk: language("оригінальний звук", "Мрія|Весна|Серце|Калина|Ніч|Щастя", "Оксана|Тарас|Марічка|DJ Їжак", "UA"),
  bg: language("оригинален звук", "Любов|Нощ|Сърце|Лято|Мечта", "Мария|Георги|DJ Ники", "BG"),
  el: language("αρχικός ήχος", "Αγάπη|Καλοκαίρι|Νύχτα|Θάλασσα|Καρδιά", "Νίκος|Ελένη|DJ Γιώργος", "GR"),
  nordic: language(
    "original sound",
    "Sommarnatt|Kärlek|Hjärta|Över Dig|Ærlig|Søndag|Rakkaus|Yö|Draumur|Dröm",
    "Åsa|Søren|Björn|Päivi|Þór|Elsa Ödman",
    "DK FI IS NO SE",
  ),
  central: language(
    "original sound",
    "Miłość|Żółty|Łzy|Příběh|Srdce|Szerelem|Őszinte|Dragoste|Inimă|Mīla|Ąžuolas|Ljubav",
    "Łukasz|Jiří|Ádám|Ștefan|Kristīne|Dominika|Žaneta|Ivana Kovač",
    "PL CZ SK HR HU RO LT LV EE",
  ),
} satisfies Record<string, Language>;

type LanguageCode = keyof typeof LANGUAGES;

/** Each region's home languages; a region with none listed speaks English at home. */
const HOME_LANGUAGES = new Map<string, LanguageCode[]>();
for (const [code, lang] of Object.entries(LANGUAGES) as [LanguageCode, Language][]) {
  for (const region of lang.homes) HOME_LANGUAGES.set(region, [...(HOME_LANGUAGES.get(region) ?? []), code]);
}

/** Languages that global hits come in, weighted by repetition. */
const GLOBAL_LANGUAGES: readonly LanguageCode[] = ["en", "en", "en", "en", "es", "es", "ko", "pt", "ja", "ar"];
const VERSIONS = [" (Sped Up)", " (Slowed + Reverb)", " (Remix)", " - TikTok Version", " (Acoustic)"];
const EMOJI = ["✨", "🔥", "💃", "🎶", "💫", "🌙"];

function pick<T>(items: readonly T[], seed: number, salt: number): T {
  return items[Math.floor(unit(seed, salt) * items.length)] as T;
}

function languageOf(seed: number, region: string | null): Language {
  if (region === null) return LANGUAGES[pick(GLOBAL_LANGUAGES, seed, 20)];
  const local = HOME_LANGUAGES.get(region);
  // Even at home a good share of what trends is English-language pop.
  if (local === undefined || unit(seed, 21) < 0.35) return LANGUAGES.en;
  return LANGUAGES[pick(local, seed, 22)];
}

/** Title and author of a sound; `region` null for a global hit (the same text everywhere). */
export function describeSound(seed: number, region: string | null): { title: string; author: string } {
  const lang = languageOf(seed, region);
  let author = pick(lang.names, seed, 23);
  if (unit(seed, 24) < 0.15) author += ` ${pick(EMOJI, seed, 25)}`;
  else if (unit(seed, 24) < 0.3) author = `${author.toLowerCase().replace(/\s+/g, ".")}_${mix(seed, 26) % 100}`;
  const shape = unit(seed, 27);
  if (shape < 0.3) return { title: `${lang.original} - ${author}`, author };
  let title = pick(lang.words, seed, 28);
  if (unit(seed, 29) < 0.3) title += ` ${pick(lang.words, seed, 30)}`;
  if (shape > 0.78) title += pick(VERSIONS, seed, 31);
  else if (shape > 0.72) title += ` ${pick(EMOJI, seed, 32)}`;
  return { title, author };
}

/** Latin letters that NFKD does not split into a base letter and a mark. */
const TRANSLITERATION = new Map(
  "ß ss|ø o|Ø O|æ ae|Æ AE|œ oe|Œ OE|ł l|Ł L|đ d|Đ D|ı i|þ th|Þ Th|ð d".split("|").map((pair) => {
    const [letter = "", ascii = ""] = pair.split(" ");
    return [letter, ascii] as const;
  }),
);

/**
 * The upstream's `url_title`: the title in ASCII letters and digits joined by hyphens, case kept
 * (the provider's sample: "New Sun" → "New-Sun"). A title with no Latin letters at all gets the
 * generic slug, as TikTok does for such sounds.
 */
export function urlTitle(title: string): string {
  const ascii = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[ßøØæÆœŒłŁđĐıþÞð]/g, (ch) => TRANSLITERATION.get(ch) ?? "");
  const slug = ascii.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return slug === "" ? "original-sound" : slug;
}

/**
 * Ukrainian ↔ Russian given names, their diminutives, and the rules that derive patronymics, so that
 * Олександр, Aleksandr, Sasha and Sashko fall in one class, and Олександрович, Aleksandrovich too.
 * Names not in the table fall back to a rule: their first letter and consonants (givenLooseKey), which
 * already join most Ukrainian and Russian forms (Dmytro/Dmitrii, Pavlo/Pavel, Vasyl/Vasilii).
 */
import { givenLooseKey, nameKey } from './keys.ts';

/** A Ukrainian given name, its Russian form(s), then diminutives in either language. */
// biome-ignore format: one name per line reads like a dictionary
const MALE: readonly string[] = [
  'Олександр Александр Саша Сашко Олесь Шура Alex Alexander',
  'Микола Николай Коля Колька Мыкола Nicholas', 'Сергій Сергей Сергий Сергійко Серьожа Сережа Serge',
  'Юрій Юрий Юра Юрко Георгий Yuri', 'Андрій Андрей Андрійко Андрюша Andrew',
  'Олексій Алексей Олекса Льоша Леша Алеша', 'Дмитро Дмитрий Дмитрій Діма Дима Митя',
  'Іван Иван Ваня Іванко Ivan John', 'Петро Пётр Петр Петя Петрик Peter', 'Павло Павел Паша Павлик Paul',
  'Михайло Михаил Миша Михась Michael', 'Володимир Владимир Вова Володя Вовчик Vladimir',
  'Василь Василий Вася Василько', 'Віктор Виктор Витя Вітя', 'Віталій Виталий Віталік Виталик',
  'Вадим Вадик', 'Денис Деніс Дениска', 'Роман Рома Ромко', 'Руслан Русланчик', 'Артем Артём Тьома Тёма',
  'Тарас Тарасик', 'Богдан Бодя Бодько', 'Назар Назарко', 'Остап Остапко', 'Ярослав Ярик Славко',
  'Святослав Свят Святик', 'Станіслав Станислав Стас Стасик', 'Владислав Влад Владик',
  'Вячеслав Славік Славик', 'Максим Макс Максимко', 'Євген Евгений Євгеній Женя Жека',
  'Ігор Игорь Ігорко Igor', 'Олег Олежка', 'Анатолій Анатолий Толя Толік Толик', 'Валерій Валерий Валера',
  'Геннадій Геннадий Гена', 'Леонід Леонид Льоня Леня', 'Степан Стьопа Степа', 'Семен Семён Сьома Сёма',
  'Тимофій Тимофей Тимоша', 'Матвій Матвей Мотя', 'Микита Никита Нікіта', 'Ілля Илья Ілько',
  'Яків Яков', 'Федір Фёдор Федор Федя', 'Костянтин Константин Костя', 'Данило Даниил Данила Даня Данилко',
  'Кирило Кирилл Кирюша', 'Гліб Глеб', 'Антон Антоша', 'Борис Боря', 'Григорій Григорий Гриша Грицько',
  'Захар Захарко', 'Пилип Филипп Філіп Філіпп', 'Мирослав Мирось', 'Ростислав Ростик', 'Валентин Валя',
  'Едуард Эдуард Эдик Едік', 'Аркадій Аркадий Аркаша', 'Марко Марк', 'Всеволод Сева',
  'Омелян Емельян Омелько', 'Тимур', 'Артур', 'Лев Лёва Лева', 'Йосип Иосиф Осип', 'Костя',
  'Олесь', 'Кузьма Кузьмич', 'Арсеній Арсений Арсен', 'Ярема Ерема Еремей', 'Юхим Ефим',
  'Гнат Игнат Игнатий', 'Панас Афанасий', 'Прокіп Прокопий', 'Нестор Нестір', 'Остап Евстафий',
];

// biome-ignore format: one name per line reads like a dictionary
const FEMALE: readonly string[] = [
  'Олена Елена Алена Альона Алёна Лена Оленка', 'Ольга Оля Олечка', 'Наталія Наталья Наталия Наташа Ната',
  'Тетяна Татьяна Таня Тетянка', 'Ірина Ирина Іра Ира Ірка', 'Світлана Светлана Світла Света Свєта',
  'Юлія Юлия Юля', 'Оксана Ксана Оксанка', 'Марія Мария Маша Марійка Маруся', 'Анна Ганна Аня Ганя Ганнуся',
  'Катерина Екатерина Катя Катруся', 'Людмила Люда Мила', 'Галина Галя', 'Валентина Валя',
  'Віра Вера', 'Надія Надежда Надя', 'Любов Любовь Люба', 'Вікторія Виктория Віка Вика',
  'Анастасія Анастасия Настя', 'Дарина Дарья Дар\'я Даша', 'Софія София Софья Соня',
  'Христина Кристина Крістіна Христя', 'Яна', 'Алла', 'Лариса Лара', 'Інна Инна', 'Ніна Нина',
  'Тамара', 'Раїса Раиса Рая', 'Лілія Лилия Ліля Лиля', 'Марина', 'Олександра Александра Саша Сашка Леся',
  'Євгенія Евгения Женя', 'Діана Диана', 'Уляна Ульяна Уля', 'Ярослава Яра', 'Богдана', 'Мирослава Мирося',
  'Вероніка Вероника Ніка Ника', 'Зоя', 'Поліна Полина', 'Лідія Лидия Ліда Лида', 'Зінаїда Зинаида Зіна Зина',
];

/** Name key → class ids (several for an ambiguous diminutive such as Саша). */
export type NameClasses = ReadonlyMap<string, readonly number[]>;

function addClass(map: Map<string, number[]>, key: string, id: number) {
  if (!key) return;
  const list = map.get(key);
  if (!list) map.set(key, [id]);
  else if (!list.includes(id)) list.push(id);
}

const UK_PATRONYMIC_EXCEPTIONS: Readonly<Record<string, readonly string[]>> = {
  ілля: ['ілліч', 'іллівна'],
  яків: ['якович', 'яківна'],
  федір: ['федорович', 'федорівна'],
  микита: ['микитович', 'микитівна'],
  лев: ['львович', 'львівна'],
  илья: ['ильич', 'ильинична'],
  никита: ['никитич', 'никитична'],
  яков: ['яковлевич', 'яковлевна'],
  пётр: ['петрович', 'петровна'],
  петр: ['петрович', 'петровна'],
  павел: ['павлович', 'павловна'],
  михаил: ['михайлович', 'михайловна'],
};

/** Every patronymic form (male and female, Ukrainian and Russian rules) of a father's given name. */
export function patronymicForms(father: string): string[] {
  const f = father.toLowerCase().replace(/['’ʼ]/g, '');
  const exception = UK_PATRONYMIC_EXCEPTIONS[f];
  if (exception) return [...exception];
  const stem = f.slice(0, -1);
  const forms: string[] = [];
  switch (f.at(-1)) {
    case 'й': // Сергій → Сергійович, Сергіївна; Сергей → Сергеевич, Сергеевна; Юрий → Юрьевич
      forms.push(`${f}ович`, `${stem}ївна`, `${stem}евич`, `${stem}евна`);
      if (f.endsWith('ий')) forms.push(`${f.slice(0, -2)}ьевич`, `${f.slice(0, -2)}ьевна`);
      break;
    case 'ь': // Василь → Васильович, Василівна; Игорь → Игоревич
      forms.push(`${f}ович`, `${stem}івна`, `${stem}евич`, `${stem}евна`);
      break;
    case 'о': // Петро → Петрович, Петрівна
      forms.push(`${stem}ович`, `${stem}івна`, `${stem}овна`);
      break;
    case 'а': // Микола → Миколайович, Миколаївна
      forms.push(`${f}йович`, `${f}ївна`, `${f}евич`, `${f}евна`);
      break;
    default: // Олександр → Олександрович, Олександрівна, Александрович, Александровна
      forms.push(`${f}ович`, `${f}івна`, `${f}овна`);
  }
  return forms;
}

export interface NameTables {
  given: NameClasses;
  patronymic: NameClasses;
  /** By consonant key, for spellings the table does not list (Dimitri → the class of Dmytro). */
  givenLoose: NameClasses;
  patronymicLoose: NameClasses;
}

function byLoose(map: Map<string, number[]>, loose: (key: string) => string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [key, ids] of map) for (const id of ids) addClass(out, loose(key), id);
  return out;
}

/** Build the given-name and patronymic class tables (keys are skeleton keys, see nameKey). */
export function buildNameTables(): NameTables {
  const given = new Map<string, number[]>();
  const patronymic = new Map<string, number[]>();
  let id = 0;
  for (const line of [...MALE, ...FEMALE]) {
    id += 1;
    const words = line.split(' ');
    for (const w of words) addClass(given, nameKey(w), id);
    // Patronymics come from full names only (the first two words and any further Cyrillic full forms).
    if (MALE.includes(line))
      for (const w of words.slice(0, 3))
        if (/^[\p{Script=Cyrillic}']+$/u.test(w) && w.length > 3)
          for (const p of patronymicForms(w)) addClass(patronymic, nameKey(p), id);
  }
  return {
    given,
    patronymic,
    givenLoose: byLoose(given, givenLooseKey),
    patronymicLoose: byLoose(patronymic, patronymicStemKey),
  };
}

const PATRONYMIC_SUFFIX = /(iovich|ovich|evich|ich|ivna|ovna|evna|inichna|ichna)$/;

/**
 * The fallback class of a patronymic not in the table: the loose key of its stem (the patronymic
 * without its suffix), so Stepanovych, Stepanovich and Степанович meet.
 */
export function patronymicStemKey(key: string): string {
  return givenLooseKey(key.replace(PATRONYMIC_SUFFIX, ''));
}

const PATRONYMIC_WORD = /(ovich|evich|ivna|ovna|evna|ichna)$/;

/**
 * Whether a name key reads as a patronymic: one the table knows (Illich), or a word of seven letters
 * or more with a patronymic suffix (Bohdanovna, Pylypovych, Andreevich), so that "Tarasenko
 * Bohdanivna" in one column is read as family name and patronymic, not as family and given name.
 */
export function isPatronymicKey(tables: NameTables, key: string): boolean {
  return tables.patronymic.has(key) || (key.length >= 7 && PATRONYMIC_WORD.test(key));
}

/**
 * A name key without the ye that Russian romanizations write for a word-initial е (Yemelyan,
 * Yefim, Yemelyanovich: емельян, not є), for names the table does not know as written.
 */
export function withoutInitialYe(key: string): string | undefined {
  return key.startsWith('ie') && key.length > 3 ? key.slice(1) : undefined;
}

// Synthetic person rows for the import benchmarks (made-up names of no one).

export const HEADER = [
  'id',
  'family_name',
  'given_name',
  'patronymic',
  'birth_date',
  'birth_place',
  'unit',
  'sex',
  'category',
];

/** The cells of `rows` synthetic persons (made-up names). */
export function* personRows(rows: number): Generator<string[]> {
  const families = [
    'Синтетенко',
    'Вигаданий',
    'Тестовий',
    'Зразковенко',
    'Примірний',
    'Fictional',
    'Sampleson',
  ];
  const given = ['Орест', 'Тарас', 'Ірина', 'Олена', 'Петро', 'Anna', 'Mark'];
  for (let i = 0; i < rows; i++)
    yield [
      `BR-${i}`,
      `${families[i % 7]}${i % 1009}`,
      given[(i * 3) % 7]!,
      '',
      `19${60 + (i % 40)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      `Місто ${i % 503}`,
      `Unit ${i % 211}`,
      i % 2 ? 'm' : 'f',
      'servicemember',
    ];
}

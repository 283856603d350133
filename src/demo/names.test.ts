import { describe, expect, it } from 'vitest';
import {
  FEMALE_GIVEN,
  MALE_GIVEN,
  RUSSIAN_SURNAMES,
  russianFemaleSurname,
  russianPatronymic,
  UKRAINIAN_SURNAMES,
  ukrainianFemaleSurname,
  ukrainianPatronymic,
  ukrainianToRussianSurname,
} from './names.ts';

describe('name pools', () => {
  it('are large enough and free of duplicates', () => {
    expect(UKRAINIAN_SURNAMES.length).toBeGreaterThanOrEqual(150);
    expect(RUSSIAN_SURNAMES.length).toBeGreaterThanOrEqual(80);
    expect(MALE_GIVEN.length).toBeGreaterThanOrEqual(60);
    expect(FEMALE_GIVEN.length).toBeGreaterThanOrEqual(40);
    for (const pool of [UKRAINIAN_SURNAMES, RUSSIAN_SURNAMES, MALE_GIVEN.map(([uk]) => uk)])
      expect(new Set(pool).size).toBe(pool.length);
  });
});

describe('patronymics', () => {
  it.each([
    ['Олександр', 'Олександрович', 'Олександрівна'],
    ['Микола', 'Миколайович', 'Миколаївна'],
    ['Сергій', 'Сергійович', 'Сергіївна'],
    ['Ілля', 'Ілліч', 'Іллівна'],
    ['Василь', 'Васильович', 'Василівна'],
    ['Петро', 'Петрович', 'Петрівна'],
    ['Яків', 'Якович', 'Яківна'],
    ['Федір', 'Федорович', 'Федорівна'],
    ['Ігор', 'Ігорович', 'Ігорівна'],
  ])('Ukrainian %s → %s, %s', (father, male, female) => {
    expect(ukrainianPatronymic(father, 'male')).toBe(male);
    expect(ukrainianPatronymic(father, 'female')).toBe(female);
  });

  it.each([
    ['Александр', 'Александрович', 'Александровна'],
    ['Николай', 'Николаевич', 'Николаевна'],
    ['Сергей', 'Сергеевич', 'Сергеевна'],
    ['Юрий', 'Юрьевич', 'Юрьевна'],
    ['Игорь', 'Игоревич', 'Игоревна'],
    ['Илья', 'Ильич', 'Ильинична'],
    ['Пётр', 'Петрович', 'Петровна'],
    ['Дмитрий', 'Дмитриевич', 'Дмитриевна'],
  ])('Russian %s → %s, %s', (father, male, female) => {
    expect(russianPatronymic(father, 'male')).toBe(male);
    expect(russianPatronymic(father, 'female')).toBe(female);
  });

  it('are male in -ович/-іч/-ич and female in -івна/-вна/-ична for every father in the pool', () => {
    for (const [uk, ru] of MALE_GIVEN) {
      expect(ukrainianPatronymic(uk, 'male')).toMatch(/(ович|іч)$/);
      expect(ukrainianPatronymic(uk, 'female')).toMatch(/(ївна|івна)$/);
      expect(russianPatronymic(ru, 'male')).toMatch(/(ович|евич|ич)$/);
      expect(russianPatronymic(ru, 'female')).toMatch(/(овна|евна|ична)$/);
    }
  });
});

describe('surname forms', () => {
  it('makes female forms where the language does and keeps the invariant ones', () => {
    expect(ukrainianFemaleSurname('Лозинський')).toBe('Лозинська');
    expect(ukrainianFemaleSurname('Осадчий')).toBe('Осадча');
    expect(ukrainianFemaleSurname('Волошин')).toBe('Волошина');
    expect(ukrainianFemaleSurname('Кузнєцов')).toBe('Кузнєцова');
    expect(ukrainianFemaleSurname('Коваленко')).toBe('Коваленко');
    expect(ukrainianFemaleSurname('Ковальчук')).toBe('Ковальчук');
    expect(russianFemaleSurname('Иванов')).toBe('Иванова');
    expect(russianFemaleSurname('Соловьёв')).toBe('Соловьёва');
    expect(russianFemaleSurname('Покровский')).toBe('Покровская');
    expect(russianFemaleSurname('Белый')).toBe('Белая');
    expect(russianFemaleSurname('Ильин')).toBe('Ильина');
    expect(russianFemaleSurname('Ткачук')).toBe('Ткачук');
  });

  it('writes Ukrainian surnames as Russian lists do', () => {
    expect(ukrainianToRussianSurname('Поліщук')).toBe('Полищук');
    expect(ukrainianToRussianSurname('Гордієнко')).toBe('Гордиенко');
    expect(ukrainianToRussianSurname('Лозинський')).toBe('Лозинский');
    expect(ukrainianToRussianSurname('Вербицький')).toBe('Вербицкий');
    expect(ukrainianToRussianSurname('Коломієць')).toBe('Коломиец');
    expect(ukrainianToRussianSurname("Лук'яненко")).toBe('Лукьяненко');
  });
});

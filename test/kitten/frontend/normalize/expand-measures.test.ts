// Scientific notation, ordinals, units, scale suffixes, fractions and decades.
import { describe } from 'vitest';
import { itNormalizes } from './normalize-cases.js';

describe('expandScientificNotation', () => {
  itNormalizes([
    ['Rate 1e3 and 2.5E-3 and -4e+2.', 'rate one times ten to the three and two point five times ten to the negative three and negative four times ten to the two.'], // prettier-ignore
    ['Odd x1e5 and 1e5x and 1e.', 'odd x1e5 and onee5x and onee.'],
  ]);
});

describe('expandOrdinals', () => {
  itNormalizes([
    ['1st 2ND 3Rd 4th 11th 12th 13th 21st 100th 101st 1000000th 0th', 'first second third fourth eleventh twelfth thirteenth twenty-first one hundredth one hundred first one millionth zeroth'], // prettier-ignore
    ['The 20th and 90th time.', 'the twentyth and ninetyth time.', 'the twentieth and ninetieth time.'], // prettier-ignore
    ['The 5ſt one.', 'the fifth one.'], // Python's IGNORECASE lets "s" match "ſ"
  ]);
});

describe('expandUnits', () => {
  itNormalizes([
    ['5km 10 KM 3.5kg 2GB 8 MB 512kb 2TB 60Hz 3.6GHz 100kHz 5MHz', 'five kilometers ten kilometers three point five kilograms two gigabytes eight megabytes five hundred twelve kilobytes two terabytes sixty hertz three point six gigahertz one hundred kilohertz five megahertz'], // prettier-ignore
    ['88mph 30kph 12ms 5ns 3µs 2\u212am', 'eighty-eight miles per hour thirty kilometers per hour twelve milliseconds five nanoseconds three microseconds two kilometers'], // prettier-ignore
    ['25°C 77°F 25C° 5°c 10f°x', 'twenty-five degrees celsius seventy-seven degrees fahrenheit twenty-fivec° five degrees celsius ten degrees fahrenheitx'], // prettier-ignore
    ['5kmh and 5 kms and 5mhz', 'fivekmh and five kms and five megahertz'],
    ['1km and 1GHz', 'one kilometers and one gigahertz', 'one kilometer and one gigahertz'],
  ]);
});

describe('expandScaleSuffixes', () => {
  itNormalizes([
    ['7B 340M 1.5K 2T 13b x7B 7Bx 7 B', 'seven billion three hundred forty million one point five thousand two trillion thirteenb x7b sevenbx seven billion'], // prettier-ignore
    ['Model x12B here.', 'model x1two billion here.'], // only the first digit is guarded by the letter
  ]);
});

describe('expandFractions', () => {
  itNormalizes([
    ['1/2 2/2 1/4 3/4 2/3 5/8 7/10 1/100 3/0 1 / 3', 'one half two halves one quarter three quarters two thirds five eighths seven tenths one one hundredth three/zero one third'], // prettier-ignore
    ['Add 1/20 more.', 'add one twentyth more.', 'add one twentieth more.'],
  ]);
});

describe('expandDecades', () => {
  itNormalizes([
    ["80s 90s 1980s 2000s 1800s '70s 100s 10s 1000s 70sx", "eighties nineties nineteen eighties twenty hundreds eighteen hundreds 'seventies one hundreds tens ten hundreds seventysx"], // prettier-ignore
  ]);
});

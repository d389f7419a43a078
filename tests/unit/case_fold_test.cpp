// fold_case: Unicode simple case folding (ICU's u_foldCase) of UTF-8 text.
// Rows marked "was wrong" failed on the hand-written fold it replaced
// (schema::fold_key), which left 1,093 of the 1,454 code points that simple
// folding changes as they were.
#include "core/case_fold.hpp"
#include "core/utf8.hpp"

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <unicode/uchar.h>

#include <ostream>
#include <string>

namespace {

struct FoldCase {
  const char* name;
  const char* input;
  const char* expected;
};
std::ostream& operator<<(std::ostream& os, const FoldCase& c) { return os << c.name; }

const FoldCase kFold[] = {
    {"ascii", "Isaac.Brock@Example.COM", "isaac.brock@example.com"},
    {"digits and symbols", "A-1_b+2@x", "a-1_b+2@x"},
    {"latin-1", "\xC3\x80\xC3\x89\xC3\x8E\xC3\x95\xC3\x9C", "\xC3\xA0\xC3\xA9\xC3\xAE\xC3\xB5\xC3\xBC"},  // ÀÉÎÕÜ
    {"latin-1 nordic", "\xC3\x86\xC3\x98\xC3\x85", "\xC3\xA6\xC3\xB8\xC3\xA5"},                          // ÆØÅ
    {"multiplication sign kept", "\xC3\x97", "\xC3\x97"},
    {"sharp s kept (simple folding: no ss)", "Stra\xC3\x9F" "e", "stra\xC3\x9F" "e"},
    {"capital sharp s", "\xE1\xBA\x9E", "\xC3\x9F"},
    {"micro sign", "\xC2\xB5", "\xCE\xBC"},
    {"latin extended-a", "\xC4\x80\xC4\x82\xC4\x84\xC5\x81", "\xC4\x81\xC4\x83\xC4\x85\xC5\x82"},  // ĀĂĄŁ
    {"latin extended-a odd pairs", "\xC5\xB9\xC5\xBB\xC5\xBD", "\xC5\xBA\xC5\xBC\xC5\xBE"},         // ŹŻŽ
    {"y diaeresis", "\xC5\xB8", "\xC3\xBF"},
    {"long s", "\xC5\xBF", "s"},
    {"dotted capital I kept (no simple folding)", "\xC4\xB0", "\xC4\xB0"},
    {"dotless i kept", "\xC4\xB1", "\xC4\xB1"},
    {"full-width small letters kept", "\xEF\xBD\x81", "\xEF\xBD\x81"},
    {"greek", "\xCE\x91\xCE\x92\xCE\x93", "\xCE\xB1\xCE\xB2\xCE\xB3"},  // ΑΒΓ
    {"greek sigmas", "\xCE\xA3\xCF\x82", "\xCF\x83\xCF\x83"},           // Σς
    {"greek tonos", "\xCE\x86\xCE\x88\xCE\x8F", "\xCE\xAC\xCE\xAD\xCF\x8E"},  // ΆΈΏ
    {"cyrillic", "\xD0\x9F\xD0\xA0\xD0\x98\xD0\x92\xD0\x95\xD0\xA2",
     "\xD0\xBF\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82"},  // ПРИВЕТ
    {"cyrillic io and je", "\xD0\x81\xD0\x88", "\xD1\x91\xD1\x98"},  // ЁЈ
    {"cyrillic extended", "\xD1\xA0\xD3\x81\xD3\x80\xD3\x90", "\xD1\xA1\xD3\x82\xD3\x8F\xD3\x91"},
    {"full-width", "\xEF\xBC\xA1\xEF\xBC\xBA", "\xEF\xBD\x81\xEF\xBD\x9A"},  // ＡＺ
    {"cjk kept", "\xE6\x97\xA5\xE6\x9C\xAC", "\xE6\x97\xA5\xE6\x9C\xAC"},
    {"invalid utf-8 kept", "A\xFF" "B\xC3", "a\xFF" "b\xC3"},
    {"overlong kept", "\xC0\x81" "A", "\xC0\x81" "a"},
    {"surrogate bytes kept", "\xED\xA0\x80" "Z", "\xED\xA0\x80" "z"},
    {"empty", "", ""},
    // was wrong
    {"vietnamese (latin extended additional)", "\xE1\xBA\xAA", "\xE1\xBA\xAB"},  // Ẫ -> ẫ
    {"latin extended additional", "\xE1\xB8\x80", "\xE1\xB8\x81"},               // Ḁ -> ḁ
    {"croatian digraph title case", "\xC7\x85", "\xC7\x86"},                     // ǅ -> ǆ
    {"croatian digraph upper case", "\xC7\x84", "\xC7\x86"},                     // Ǆ -> ǆ
    {"latin extended-b, folding to 3 bytes", "\xC8\xBA", "\xE2\xB1\xA5"},        // Ⱥ -> ⱥ
    {"kelvin sign", "\xE2\x84\xAA" "ate", "kate"},                               // Kate -> kate
    {"ohm sign", "\xE2\x84\xA6", "\xCF\x89"},                                    // Ω -> ω
    {"greek extended", "\xE1\xBC\x88\xCE\xB8\xE1\xBF\x86\xCE\xBD\xCE\xB1\xCE\xB9",
     "\xE1\xBC\x80\xCE\xB8\xE1\xBF\x86\xCE\xBD\xCE\xB1\xCE\xB9"},  // Ἀθῆναι -> ἀθῆναι
    {"greek extended with prosgegrammeni", "\xE1\xBE\x88\xE1\xBE\xBC", "\xE1\xBE\x80\xE1\xBE\xB3"},  // ᾈᾼ -> ᾀᾳ
    {"armenian", "\xD5\x80\xD5\xA1\xD5\xB5\xD5\xA1\xD5\xBD\xD5\xBF\xD5\xA1\xD5\xB6",
     "\xD5\xB0\xD5\xA1\xD5\xB5\xD5\xA1\xD5\xBD\xD5\xBF\xD5\xA1\xD5\xB6"},  // Հայաստան -> հայաստան
    {"georgian asomtavruli", "\xE1\x82\xA0", "\xE2\xB4\x80"},  // Ⴀ -> ⴀ
    {"georgian mtavruli", "\xE1\xB2\x90", "\xE1\x83\x90"},     // Ა -> ა
    {"cherokee small letter folds to upper case", "\xEA\xAD\xB0\xE1\x8F\xB8", "\xE1\x8E\xA0\xE1\x8F\xB0"},  // ꭰᏸ -> ᎠᏰ
    {"cyrillic extended-c", "\xE1\xB2\x80", "\xD0\xB2"},                 // ᲀ (rounded ve) -> в
    {"circled letter", "\xE2\x92\xB6", "\xE2\x93\x90"},                  // Ⓐ -> ⓐ
    {"roman numeral", "\xE2\x85\xAB", "\xE2\x85\xBB"},                   // Ⅻ -> ⅻ
    {"deseret (4 bytes)", "\xF0\x90\x90\x80", "\xF0\x90\x90\xA8"},       // 𐐀 -> 𐐨
    {"mixed, with invalid bytes between", "\xE2\x84\xAA\xFF\xD5\x80", "k\xFF\xD5\xB0"},
};

}  // namespace

BOOST_DATA_TEST_CASE(fold_case_cases, boost::unit_test::data::make(kFold), c) {
  BOOST_TEST(kestra::fold_case(c.input) == std::string(c.expected));
}

// Cherokee upper case is the folded form: it stays.
BOOST_AUTO_TEST_CASE(cherokee_upper_case_is_kept) {
  BOOST_TEST(kestra::fold_case("\xE1\x8E\xA0\xE1\x8F\xA3") == "\xE1\x8E\xA0\xE1\x8F\xA3");  // ᎠᏣ
}

// Stored keys of ASCII text are not recomputed by migration 0004: for every
// ASCII character ICU's fold (and fold_case, which skips ICU for ASCII) is
// A-Z -> a-z and nothing else, as the old fold was.
BOOST_DATA_TEST_CASE(ascii_folds_as_ascii_lower_case, boost::unit_test::data::xrange(0, 128), code) {
  const char lower = code >= 'A' && code <= 'Z' ? static_cast<char>(code + 32) : static_cast<char>(code);
  BOOST_TEST(u_foldCase(code, U_FOLD_CASE_DEFAULT) == static_cast<UChar32>(lower));
  BOOST_TEST(kestra::fold_case(std::string(1, static_cast<char>(code))) == std::string(1, lower));
}

// Folding twice changes nothing more; one code point stays one.
BOOST_DATA_TEST_CASE(fold_is_idempotent_and_keeps_the_length, boost::unit_test::data::make(kFold), c) {
  const std::string once = kestra::fold_case(c.input);
  BOOST_TEST(kestra::fold_case(once) == once);
  BOOST_TEST(kestra::utf8::length(once) == kestra::utf8::length(c.input));
}

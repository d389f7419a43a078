#define BOOST_TEST_MODULE kestra_scim_unit
#include <boost/test/unit_test.hpp>

# NOT YET RUN. R was not available where these cases were written, so the tests of the two-stage variance,
# domain contrasts and change between years check against explicit formulas and a simulation instead (see
# each test's docstring). A maintainer with R (survey >= 4.1) can run this from the repository root:
#
#   Rscript tests/analysis/golden/make_golden_stats_NOT_RUN.R
#
# and compare its printout with the numbers the tests compute; the numbers should agree to ~1e-10. Once
# they do, fold the cases into make_golden.R / golden.json and drop "NOT_RUN" from this file's name.

suppressMessages(library(survey))
options(survey.lonely.psu = "fail", digits = 15)
dir <- "tests/analysis/golden"

# ------------------------------------------------------------------------------ two-stage variance
# tests/analysis/test_multistage.py: stratum A's PSUs are self-representing (N = 3 PSUs, all sampled).
two <- read.csv(file.path(dir, "two_stage.csv"))
d2 <- svydesign(ids = ~psu + ssu, strata = ~stratum, fpc = ~N + M, weights = ~w, nest = TRUE, data = two)
print(svymean(~y, d2))                                        # SE^2 = analysis.mean(design, "y").se^2
print(svyby(~y, ~sex, d2, svymean))
print(svymean(~y, subset(d2, stratum == "A")))                # certainty PSUs: variance from stage 2 only

# ------------------------------------------------------------------------------ domain contrasts
# tests/analysis/test_contrast.py: analysis.contrast(design, mean/proportion, by=..., between=(a, b)).
syn <- read.csv(file.path(dir, "synthetic.csv"))
dsyn <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = syn)
by_sex <- svyby(~income, ~sex, dsyn, svymean, covmat = TRUE)
print(svycontrast(by_sex, c(F = 1, M = -1)))                  # women - men
dsyn$variables$yes <- as.numeric(dsyn$variables$q == "yes")
by_region <- svyby(~yes, ~region, dsyn, svymean, covmat = TRUE)
r1 <- levels(factor(syn$region))[1]
# a region against the rest: the rest's mean is a ratio, so contrast the domain means of region vs !region
dsyn$variables$in_r1 <- factor(dsyn$variables$region == r1, levels = c(TRUE, FALSE))
vs_rest <- svyby(~yes, ~in_r1, dsyn, svymean, covmat = TRUE)
print(svycontrast(vs_rest, c(1, -1)))
# a region against the whole population (the region is part of it: positive covariance)
nat <- svymean(~yes, dsyn, influence = TRUE)
reg <- svymean(~yes, subset(dsyn, region == r1), influence = TRUE)
# no direct svycontrast across these two objects; stack them as two "domains" of a duplicated sample:
stacked <- rbind(transform(syn, part = "national"), transform(syn[syn$region == r1, ], part = "region"))
dst <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = stacked)
dst$variables$yes <- as.numeric(dst$variables$q == "yes")
print(svycontrast(svyby(~yes, ~part, dst, svymean, covmat = TRUE), c(national = -1, region = 1)))

# ------------------------------------------------------------------------------ change between two years
# tests/analysis/test_change.py writes two years of a panel of PSUs (change_y1.csv, change_y2.csv). Stacking
# them keeps each PSU's identity, so svyby(..., covmat = TRUE) gives the covariance from shared PSUs.
y1 <- read.csv(file.path(dir, "change_y1.csv")); y1$year <- 1
y2 <- read.csv(file.path(dir, "change_y2.csv")); y2$year <- 2
both <- rbind(y1, y2)
dboth <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = both)
b <- svyby(~y, ~year, dboth, svymean, covmat = TRUE)
print(svycontrast(b, c(-1, 1)))                               # analysis.change(d1, d2, ...) overlapping
print(vcov(b))

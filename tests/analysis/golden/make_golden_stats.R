# Reference values from R's survey package for the two-stage variance (tests/analysis/test_multistage.py),
# domain contrasts (test_contrast.py) and change between years (test_change.py). Those tests also check
# against explicit formulas and a simulation; tests/analysis/test_golden_stats.py compares the library with
# the numbers this script writes to golden_stats.json (coef/SE/vcov at full precision, digits = NA).
#
# Run from the repository root:   Rscript tests/analysis/golden/make_golden_stats.R
# Needs R with survey (>= 4.1) and jsonlite. Last run: R 4.2, survey 4.1-1 (Debian r-cran-survey).

suppressMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "fail")
dir <- "tests/analysis/golden"
num <- function(x) unname(as.numeric(x))
est <- function(s) list(estimate = num(coef(s)), se = num(SE(s)))
cases <- list()

# ------------------------------------------------------------------------------ two-stage variance
# stratum A's PSUs are self-representing (N = 3 PSUs, all sampled): its variance comes from stage 2 only.
two <- read.csv(file.path(dir, "two_stage.csv"))
d2 <- svydesign(ids = ~psu + ssu, strata = ~stratum, fpc = ~N + M, weights = ~w, nest = TRUE, data = two)
cases$two_stage_mean_y <- c(list(r_call = "svymean(~y, d2)"), est(svymean(~y, d2)))
b <- svyby(~y, ~sex, d2, svymean)
cases$two_stage_mean_y_by_sex <- list(r_call = "svyby(~y, ~sex, d2, svymean)", by = as.character(b$sex),
                                      estimate = num(coef(b)), se = num(SE(b)))
cases$two_stage_mean_y_stratum_A <- c(list(r_call = "svymean(~y, subset(d2, stratum == 'A'))"),
                                      est(svymean(~y, subset(d2, stratum == "A"))))

# ------------------------------------------------------------------------------ domain contrasts
syn <- read.csv(file.path(dir, "synthetic.csv"))
dsyn <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = syn)
# svyby(covmat = TRUE) fails with na.rm = TRUE; subset() drops the missing incomes but keeps the design.
by_sex <- svyby(~income, ~sex, subset(dsyn, !is.na(income)), svymean, covmat = TRUE)
stopifnot(identical(as.character(by_sex$sex), c("F", "M")))
con <- svycontrast(by_sex, c(1, -1))
cases$contrast_income_women_men <- list(r_call = "svycontrast(svyby(~income, ~sex, dsyn, svymean, covmat=TRUE), c(1, -1))",
                                        estimate = num(coef(con)), se = num(SE(con)),
                                        covariance = num(vcov(by_sex)[1, 2]))
dsyn <- update(dsyn, yes = as.numeric(q == "yes"))
region <- "R2"
# a region against the rest: contrast the domain means of region and !region
dsyn$variables$in_region <- factor(dsyn$variables$region == region, levels = c(TRUE, FALSE))
vs_rest <- svyby(~yes, ~in_region, dsyn, svymean, covmat = TRUE)
con <- svycontrast(vs_rest, c(1, -1))
cases$contrast_yes_R2_rest <- list(r_call = "svycontrast(svyby(~yes, ~(region == 'R2'), dsyn, svymean, covmat=TRUE), c(1, -1))",
                                   estimate = num(coef(con)), se = num(SE(con)))
# a region against the whole population (the region is part of it: positive covariance). No svycontrast
# across two objects, so stack the sample and the region as two "domains" of one design (same PSUs).
stacked <- rbind(transform(syn, part = "national"), transform(syn[syn$region == region, ], part = "region"))
dst <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = stacked)
dst <- update(dst, yes = as.numeric(q == "yes"))
b <- svyby(~yes, ~part, dst, svymean, covmat = TRUE)
con <- svycontrast(b, c(national = -1, region = 1))
cases$contrast_yes_R2_national <- list(r_call = "svycontrast(svyby(~yes, ~part, stacked, svymean, covmat=TRUE), region - national)",
                                       estimate = num(coef(con)), se = num(SE(con)),
                                       covariance = num(vcov(b)[1, 2]))

# ------------------------------------------------------------------------------ change between two years
# change_y1.csv / change_y2.csv: a panel of PSUs over two years (test_change.py writes them). Stacking keeps
# each PSU's identity, so svyby(..., covmat = TRUE) has the covariance from the shared PSUs.
y1 <- read.csv(file.path(dir, "change_y1.csv")); y1$year <- 1
y2 <- read.csv(file.path(dir, "change_y2.csv")); y2$year <- 2
dboth <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w, nest = TRUE, data = rbind(y1, y2))
b <- svyby(~y, ~year, dboth, svymean, covmat = TRUE)
con <- svycontrast(b, c(-1, 1))
cases$change_panel_mean_y <- list(r_call = "svycontrast(svyby(~y, ~year, stacked years, svymean, covmat=TRUE), c(-1, 1))",
                                  estimate = num(coef(con)), se = num(SE(con)), before = num(coef(b))[1],
                                  after = num(coef(b))[2], se_before = num(SE(b))[1],
                                  se_after = num(SE(b))[2], covariance = num(vcov(b)[1, 2]),
                                  df = degf(dboth),
                                  # each year's own design (what change() reports as se_before/se_after;
                                  # the stacked svyby's SEs use the union's n_h/(n_h - 1) instead)
                                  se_before_own = num(SE(svymean(~y, svydesign(ids = ~psu, strata = ~stratum,
                                    weights = ~w, nest = TRUE, data = y1)))),
                                  se_after_own = num(SE(svymean(~y, svydesign(ids = ~psu, strata = ~stratum,
                                    weights = ~w, nest = TRUE, data = y2)))))

golden <- list(generated_by = "tests/analysis/golden/make_golden_stats.R", r_version = R.version.string,
               survey_version = as.character(packageVersion("survey")), cases = cases)
writeLines(toJSON(golden, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE),
           file.path(dir, "golden_stats.json"))
cat("wrote", length(cases), "cases to", file.path(dir, "golden_stats.json"), "\n")

# NOT YET RUN. R was not available where the general calibration was written (CRAN unreachable). The tests in
# tests/analysis/test_calibration.py check the Python weights and SEs against independent computations
# (closed-form GREG weights from a full-rank model matrix, the logit g-function inverted row by row, the
# residual-based variance written out from R's svyrecvar code, each replicate calibrated separately), not
# against R output. A maintainer with R (survey >= 4.1) can run, from the repository root:
#
#   Rscript tests/analysis/golden/make_golden_calibration_NOT_RUN.R
#
# and compare with the Python lines in the comments; they should agree to ~1e-9 (R's grake stops at
# epsilon = 1e-7 by default, so bounded cases are run with a tighter epsilon). Once they do, fold the cases
# into make_golden.R / golden.json and drop "NOT_RUN" from this file's name.

suppressMessages(library(survey))
options(survey.lonely.psu = "fail", digits = 15)
dir <- "tests/analysis/golden"
syn <- read.csv(file.path(dir, "synthetic.csv"))
syn$yes <- as.numeric(syn$q == "yes")
N <- 1250000
syn$w0 <- syn$w0 * N / sum(syn$w0)   # the tests' `scaled` fixture: bounds act on g = w / d
des <- svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = syn)

m1 <- read.csv(file.path(dir, "synthetic_margins.csv"), colClasses = "character"); m1$total <- as.numeric(m1$total)
mi <- read.csv(file.path(dir, "synthetic_margins_interactions.csv"), colClasses = "character")
mi$total <- as.numeric(mi$total)

# population totals in model.matrix order: intercept, then every category but the first (treatment contrasts)
pop <- function(m, variable) { t <- m$total[m$variable == variable]; t[-1] }
syn$region <- factor(syn$region, levels = m1$category[m1$variable == "region"])
syn$sex <- factor(syn$sex, levels = m1$category[m1$variable == "sex"])
syn$agegrp <- factor(syn$agegrp, levels = m1$category[m1$variable == "agegrp"])
syn$region_urban <- factor(paste(syn$region, syn$urban, sep = ":"),
                           levels = mi$category[mi$variable == "region:urban"])
syn$sex_agegrp <- factor(paste(syn$sex, syn$agegrp, sep = ":"), levels = mi$category[mi$variable == "sex:agegrp"])
des <- update(des, region = syn$region, sex = syn$sex, agegrp = syn$agegrp,
              region_urban = syn$region_urban, sex_agegrp = syn$sex_agegrp)
p1 <- c(N, pop(m1, "region"), pop(m1, "sex"), pop(m1, "agegrp"))
pint <- c(N, pop(mi, "region:urban"), pop(mi, "sex:agegrp"))

# ---------------------------------------------------------------------------- linear (GREG), one-way margins
# test_linear_calibration_equals_the_closed_form_greg_weights (unscaled w0 there; same g)
lin1 <- calibrate(des, ~region + sex + agegrp, p1, calfun = "linear")
print(summary(weights(lin1) / weights(des)))
print(svymean(~yes, lin1))

# ---------------------------------------------------------------------------- interactions, linear and logit
# test_calibrated_se_is_the_greg_residual_se[linear-None]:
#   analysis.proportion(Design.from_frame(scaled, ...).calibrate(margins_interactions), "q", ["yes"])
lini <- calibrate(des, ~region_urban + sex_agegrp, pint, calfun = "linear")
print(svymean(~yes, lini))                        # Python: estimate 0.5838544118995546, se 0.017156003974378466
# test_calibrated_se_is_the_greg_residual_se[logit-bounds1]
logi <- calibrate(des, ~region_urban + sex_agegrp, pint, calfun = "logit", bounds = c(0.4, 2.6), epsilon = 1e-12)
print(range(weights(logi) / weights(des))); print(svymean(~yes, logi))  # Python: 0.57997212637023, se 0.017044173372643835
# truncated linear (test_truncated_linear_keeps_g_linear_between_the_bounds)
trl <- calibrate(des, ~region + sex + agegrp, p1, calfun = "linear", bounds = c(0.45, 2.6), epsilon = 1e-12)
print(range(weights(trl) / weights(des))); print(svymean(~yes, trl))

# ---------------------------------------------------------------------------- replicates calibrated again
# test_linear_calibration_of_replicates_calibrates_each_replicate_again
rdes <- as.svrepdesign(svydesign(ids = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = syn),
                       type = "JKn")
rlin <- calibrate(rdes, ~region_urban + sex_agegrp, pint, calfun = "linear")
print(svymean(~yes, rlin))

# weight diagnostics (analysis.weighting.diagnostics) of the linear interaction weights
w <- weights(lini); cv <- sqrt(mean((w - mean(w))^2)) / mean(w)
print(c(ratio = max(w) / min(w), cv = cv, deff = 1 + cv^2, n_eff = sum(w)^2 / sum(w^2)))

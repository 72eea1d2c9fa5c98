# Reference values for tests/analysis from R's survey package (Lumley).
#
# Run from the repository root:   Rscript tests/analysis/golden/make_golden.R
# Needs R with the survey and jsonlite packages (Debian: apt-get install r-cran-survey r-cran-jsonlite).
# Writes, next to this script:
#   apistrat.csv, apiclus1.csv          the columns of R's `api` data the tests use (dots -> underscores)
#   apiclus1_margins.csv                 population margins for the apiclus1 raking example
#   synthetic.csv, synthetic_margins.csv a seeded two-stage sample (strata x PSUs x households) + margins
#   edge.csv                             an 8-row sample with two-row domains (beta interval edge cases)
#   golden.json                          one entry per case: data, design, estimator, R's numbers
# CI does not run this script; the tests only read its outputs.
# Three further scripts read these fixtures and write their own JSON (so each can be rerun alone and this
# script's rewrite of golden.json leaves them intact): make_golden_calibration.R (general calibration),
# make_golden_replicates.R (replicate weights, quantiles, Rao-Scott), make_golden_stats.R (two-stage
# variance, contrasts, change). Run this one first when the fixtures change.

suppressMessages({
  library(survey)
  library(jsonlite)
})
options(survey.lonely.psu = "fail")

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
out_dir <- if (length(script)) dirname(normalizePath(script)) else "tests/analysis/golden"
out <- function(name) file.path(out_dir, name)

write_plain <- function(df, name) write.csv(df, out(name), row.names = FALSE, na = "")

# ------------------------------------------------------------------------------ data
data(api)
strat <- apistrat[, c("snum", "stype", "fpc", "pw", "api00", "api99", "enroll",
                      "sch.wide", "comp.imp", "awards")]
names(strat) <- gsub(".", "_", names(strat), fixed = TRUE)
clus1 <- apiclus1[, c("snum", "dnum", "fpc", "pw", "stype", "api00", "api99", "enroll",
                      "sch.wide", "awards")]
names(clus1) <- gsub(".", "_", names(clus1), fixed = TRUE)
for (col in c("stype", "sch_wide", "comp_imp", "awards")) {
  if (col %in% names(strat)) strat[[col]] <- as.character(strat[[col]])
  if (col %in% names(clus1)) clus1[[col]] <- as.character(clus1[[col]])
}
write_plain(strat, "apistrat.csv")
write_plain(clus1, "apiclus1.csv")

# apiclus1 margins from the survey package's own raking example (?rake): school type and sch.wide.
pop_types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_schwide <- data.frame(sch_wide = c("No", "Yes"), Freq = c(1072, 5122))
write_plain(data.frame(variable = c(rep("stype", 3), rep("sch_wide", 2)),
                       category = c(pop_types$stype, pop_schwide$sch_wide),
                       total = c(pop_types$Freq, pop_schwide$Freq)), "apiclus1_margins.csv")

# Synthetic two-stage sample: 6 regions x urban/rural strata, 4-8 PSUs per stratum, 8-20 households per
# PSU. Base weights vary by stratum and PSU; a few incomes are missing.
set.seed(20240611)
regions <- sprintf("R%d", 1:6)
ages <- c("15-24", "25-34", "35-49", "50-64", "65+")
rows <- list()
psu_id <- 0
for (r in regions) for (u in c("urban", "rural")) {
  n_psu <- sample(4:8, 1)
  for (p in seq_len(n_psu)) {
    psu_id <- psu_id + 1
    m <- sample(8:20, 1)
    w_psu <- runif(1, 40, 160) * (if (u == "rural") 1.6 else 1)
    psu_effect <- rnorm(1, 0, 0.35)
    age <- sample(ages, m, replace = TRUE, prob = c(0.25, 0.25, 0.2, 0.18, 0.12))
    sex <- sample(c("F", "M"), m, replace = TRUE)
    age_num <- match(age, ages)
    income <- round(exp(10 + 0.12 * match(r, regions) + (u == "urban") * 0.4 + 0.08 * age_num +
                        psu_effect + rnorm(m, 0, 0.6)), 2)
    eta <- -0.6 + 0.25 * age_num + (sex == "F") * 0.3 + psu_effect
    q <- ifelse(runif(m) < plogis(eta), "yes", ifelse(runif(m) < 0.8, "no", "dk"))
    rows[[length(rows) + 1]] <- data.frame(
      region = r, urban = u, stratum = paste(r, u, sep = "_"), psu = psu_id,
      hh = seq_len(m), w0 = round(w_psu * runif(m, 0.9, 1.1), 4), sex = sex, agegrp = age,
      income = income, q = q, stringsAsFactors = FALSE)
  }
}
syn <- do.call(rbind, rows)
syn$income[sample(nrow(syn), 12)] <- NA
write_plain(syn, "synthetic.csv")

N <- 1250000
pop_region <- data.frame(region = regions, Freq = N * c(0.22, 0.18, 0.17, 0.16, 0.15, 0.12))
pop_sex <- data.frame(sex = c("F", "M"), Freq = N * c(0.52, 0.48))
pop_age <- data.frame(agegrp = ages, Freq = N * c(0.21, 0.23, 0.24, 0.19, 0.13))
write_plain(data.frame(variable = c(rep("region", 6), rep("sex", 2), rep("agegrp", 5)),
                       category = c(pop_region$region, pop_sex$sex, pop_age$agegrp),
                       total = c(pop_region$Freq, pop_sex$Freq, pop_age$Freq)),
            "synthetic_margins.csv")

# ------------------------------------------------------------------------------ designs
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = clus1)
dclus1_ps <- postStratify(dclus1, ~stype, pop_types)
dclus1_rk <- calibrate(dclus1, formula = list(~stype, ~sch_wide),
                       population = list(pop_types, pop_schwide), calfun = "raking",
                       epsilon = 1e-12, maxit = 200)
dsyn <- svydesign(id = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = syn)
dsyn_rk <- calibrate(dsyn, formula = list(~region, ~sex, ~agegrp),
                     population = list(pop_region, pop_sex, pop_age), calfun = "raking",
                     epsilon = 1e-12, maxit = 200)
# rake() gives the same weights; its variance uses 10 rounds of alternating projections rather than the
# exact regression residual, so we only use calibrate() for standard errors.
dsyn_rake <- rake(dsyn, list(~region, ~sex, ~agegrp), list(pop_region, pop_sex, pop_age),
                  control = list(maxit = 500, epsilon = 1e-10))
stopifnot(max(abs(as.numeric(weights(dsyn_rk)) / as.numeric(weights(dsyn_rake)) - 1)) < 1e-9)

# One stratum cut to a single PSU, for the lonely-PSU options.
keep_psu <- min(syn$psu[syn$stratum == "R1_rural"])
syn_lonely <- syn[syn$stratum != "R1_rural" | syn$psu == keep_psu, ]
dlonely <- svydesign(id = ~psu, strata = ~stratum, weights = ~w0, nest = TRUE, data = syn_lonely)

design_spec <- list(
  dstrat = list(data = "apistrat.csv", weights = "pw", strata = "stype", cluster = NULL, fpc = "fpc"),
  dclus1 = list(data = "apiclus1.csv", weights = "pw", strata = NULL, cluster = "dnum", fpc = "fpc"),
  dsyn = list(data = "synthetic.csv", weights = "w0", strata = "stratum", cluster = "psu", fpc = NULL)
)

# ------------------------------------------------------------------------------ estimates
level <- 0.95
qtt <- function(df) qt(1 - (1 - level) / 2, df)

# One domain: `design` is already the domain (subset keeps the whole design for the variance).
one_row <- function(design, kind, var, den = NULL, ci = "logit") {
  v <- design$variables[[var]]
  design <- design[!is.na(v), ]
  df <- degf(design)
  n <- sum(weights(design) != 0)
  f <- as.formula(paste0("~", var))
  if (kind == "mean") {
    s <- svymean(f, design, deff = TRUE, na.rm = TRUE)
  } else if (kind == "total") {
    s <- svytotal(f, design, deff = TRUE, na.rm = TRUE)
  } else if (kind == "ratio") {
    s <- svyratio(f, as.formula(paste0("~", den)), design, deff = TRUE, na.rm = TRUE)
  } else {
    s <- svymean(f, design, deff = TRUE, na.rm = TRUE)
    p <- svyciprop(f, design, method = ci, level = level)
  }
  est <- as.numeric(coef(s))[1]
  se <- as.numeric(SE(s))[1]
  deff <- as.numeric(deff(s))[1]
  if (kind == "proportion") {
    # svyglm stops at glm()'s convergence tolerance; the estimate itself comes from svymean.
    stopifnot(abs(as.numeric(coef(p)) / est - 1) < 1e-8)
    lim <- as.numeric(attr(p, "ci"))
  } else {
    lim <- est + c(-1, 1) * qtt(df) * se
  }
  list(estimate = est, se = se, ci_low = lim[1], ci_high = lim[2], df = df, deff = deff, n = n)
}

cases <- list()
add_case <- function(id, call, design, spec, calibration = NULL, kind, var, den = NULL, values = NULL,
                     ci = "logit", by = NULL, where = NULL, subset_expr = NULL, lonely = "error",
                     data = NULL) {
  if (!is.null(subset_expr)) design <- design[eval(subset_expr, design$variables), ]
  if (is.null(by)) {
    rows <- list(c(list(by = NULL), one_row(design, kind, var, den, ci)))
  } else {
    lv <- sort(unique(design$variables[[by]][weights(design) != 0]))
    rows <- lapply(lv, function(l) {
      c(list(by = l), one_row(design[design$variables[[by]] == l, ], kind, var, den, ci))
    })
  }
  spec$lonely_psu <- lonely
  if (!is.null(data)) spec$data <- data
  cases[[length(cases) + 1]] <<- list(
    id = id, r_call = call, design = spec, calibration = calibration,
    estimator = list(kind = kind, variable = if (kind == "proportion") values$variable else var,
                     values = values$values, denominator = den, ci = ci, by = by, where = where),
    rows = rows)
}

# Indicator columns for proportions (the Python side counts the text values instead).
add_indicator <- function(design, name, variable, values) {
  design$variables[[name]] <- as.numeric(design$variables[[variable]] %in% values)
  design
}
dstrat <- add_indicator(dstrat, "p_schwide", "sch_wide", "Yes")
dclus1 <- add_indicator(dclus1, "p_schwide", "sch_wide", "Yes")
dclus1_ps <- add_indicator(dclus1_ps, "p_schwide", "sch_wide", "Yes")
dclus1_rk <- add_indicator(dclus1_rk, "p_awards", "awards", "Yes")
dsyn_rk <- add_indicator(dsyn_rk, "p_yes", "q", "yes")
dsyn <- add_indicator(dsyn, "p_yes", "q", "yes")
dsyn_rk <- add_indicator(dsyn_rk, "p_yesdk", "q", c("yes", "dk"))
schwide <- list(variable = "sch_wide", values = list("Yes"))

# Stratified with FPC (apistrat).
add_case("strat_mean_api00", "svymean(~api00, dstrat, deff=TRUE)", dstrat, design_spec$dstrat,
         kind = "mean", var = "api00")
add_case("strat_total_enroll", "svytotal(~enroll, dstrat, deff=TRUE)", dstrat, design_spec$dstrat,
         kind = "total", var = "enroll")
add_case("strat_ratio_api00_api99", "svyratio(~api00, ~api99, dstrat, deff=TRUE)", dstrat,
         design_spec$dstrat, kind = "ratio", var = "api00", den = "api99")
add_case("strat_prop_schwide_logit", "svyciprop(~p_schwide, dstrat, method='logit')", dstrat,
         design_spec$dstrat, kind = "proportion", var = "p_schwide", values = schwide, ci = "logit")
add_case("strat_prop_schwide_beta", "svyciprop(~p_schwide, dstrat, method='beta')", dstrat,
         design_spec$dstrat, kind = "proportion", var = "p_schwide", values = schwide, ci = "beta")
add_case("strat_mean_api00_by_awards", "svyby(~api00, ~awards, dstrat, svymean, deff=TRUE)", dstrat,
         design_spec$dstrat, kind = "mean", var = "api00", by = "awards")
add_case("strat_prop_schwide_by_awards_beta",
         "svyby(~p_schwide, ~awards, dstrat, svyciprop, method='beta')", dstrat, design_spec$dstrat,
         kind = "proportion", var = "p_schwide", values = schwide, ci = "beta", by = "awards")
add_case("strat_mean_api00_subset_compimp",
         "svymean(~api00, subset(dstrat, comp.imp == 'Yes'), deff=TRUE)", dstrat, design_spec$dstrat,
         kind = "mean", var = "api00", where = "comp_imp == 'Yes'", subset_expr = quote(comp_imp == "Yes"))
add_case("strat_total_enroll_by_schwide", "svyby(~enroll, ~sch_wide, dstrat, svytotal, deff=TRUE)",
         dstrat, design_spec$dstrat, kind = "total", var = "enroll", by = "sch_wide")

# One-stage cluster sample with FPC (apiclus1).
add_case("clus1_mean_api00", "svymean(~api00, dclus1, deff=TRUE)", dclus1, design_spec$dclus1,
         kind = "mean", var = "api00")
add_case("clus1_total_enroll", "svytotal(~enroll, dclus1, deff=TRUE)", dclus1, design_spec$dclus1,
         kind = "total", var = "enroll")
add_case("clus1_ratio_api00_api99", "svyratio(~api00, ~api99, dclus1, deff=TRUE)", dclus1,
         design_spec$dclus1, kind = "ratio", var = "api00", den = "api99")
add_case("clus1_prop_schwide_logit", "svyciprop(~p_schwide, dclus1, method='logit')", dclus1,
         design_spec$dclus1, kind = "proportion", var = "p_schwide", values = schwide, ci = "logit")
add_case("clus1_prop_schwide_beta", "svyciprop(~p_schwide, dclus1, method='beta')", dclus1,
         design_spec$dclus1, kind = "proportion", var = "p_schwide", values = schwide, ci = "beta")
add_case("clus1_mean_api00_by_stype", "svyby(~api00, ~stype, dclus1, svymean, deff=TRUE)", dclus1,
         design_spec$dclus1, kind = "mean", var = "api00", by = "stype")
add_case("clus1_prop_schwide_by_stype_logit",
         "svyby(~p_schwide, ~stype, dclus1, svyciprop, method='logit')", dclus1, design_spec$dclus1,
         kind = "proportion", var = "p_schwide", values = schwide, ci = "logit", by = "stype")
add_case("clus1_prop_schwide_by_stype_beta",
         "svyby(~p_schwide, ~stype, dclus1, svyciprop, method='beta')", dclus1, design_spec$dclus1,
         kind = "proportion", var = "p_schwide", values = schwide, ci = "beta", by = "stype")

# Post-stratified and raked apiclus1 (calibration-aware variance).
ps_spec <- list(method = "poststratify", variable = "stype",
                totals = setNames(as.list(pop_types$Freq), pop_types$stype))
rk_spec <- list(method = "rake", margins = "apiclus1_margins.csv")
add_case("clus1_ps_mean_api00", "svymean(~api00, postStratify(dclus1, ~stype, pop.types), deff=TRUE)",
         dclus1_ps, design_spec$dclus1, calibration = ps_spec, kind = "mean", var = "api00")
add_case("clus1_ps_total_enroll", "svytotal(~enroll, postStratify(dclus1, ~stype, pop.types), deff=TRUE)",
         dclus1_ps, design_spec$dclus1, calibration = ps_spec, kind = "total", var = "enroll")
add_case("clus1_ps_prop_schwide_by_stype", "svyby(~p_schwide, ~stype, dclus1_ps, svyciprop)",
         dclus1_ps, design_spec$dclus1, calibration = ps_spec, kind = "proportion", var = "p_schwide",
         values = schwide, ci = "logit", by = "stype")
add_case("clus1_rk_mean_api00",
         "svymean(~api00, calibrate(dclus1, list(~stype, ~sch.wide), ..., calfun='raking'), deff=TRUE)",
         dclus1_rk, design_spec$dclus1, calibration = rk_spec, kind = "mean", var = "api00")
add_case("clus1_rk_prop_awards", "svyciprop(~p_awards, dclus1_rk, method='logit')", dclus1_rk,
         design_spec$dclus1, calibration = rk_spec, kind = "proportion", var = "p_awards",
         values = list(variable = "awards", values = list("Yes")), ci = "logit")
add_case("clus1_rk_mean_api00_by_stype", "svyby(~api00, ~stype, dclus1_rk, svymean, deff=TRUE)",
         dclus1_rk, design_spec$dclus1, calibration = rk_spec, kind = "mean", var = "api00", by = "stype")

# Synthetic two-stage sample raked to region, sex and age margins.
syn_rk <- list(method = "rake", margins = "synthetic_margins.csv")
yes <- list(variable = "q", values = list("yes"))
add_case("syn_base_mean_income", "svymean(~income, dsyn, na.rm=TRUE, deff=TRUE)", dsyn, design_spec$dsyn,
         kind = "mean", var = "income")
add_case("syn_base_prop_yes_by_region", "svyby(~p_yes, ~region, dsyn, svyciprop, method='beta')", dsyn,
         design_spec$dsyn, kind = "proportion", var = "p_yes", values = yes, ci = "beta", by = "region")
add_case("syn_rk_mean_income", "svymean(~income, dsyn_rk, na.rm=TRUE, deff=TRUE)", dsyn_rk,
         design_spec$dsyn, calibration = syn_rk, kind = "mean", var = "income")
add_case("syn_rk_total_income", "svytotal(~income, dsyn_rk, na.rm=TRUE, deff=TRUE)", dsyn_rk,
         design_spec$dsyn, calibration = syn_rk, kind = "total", var = "income")
add_case("syn_rk_prop_yes_logit", "svyciprop(~p_yes, dsyn_rk, method='logit')", dsyn_rk,
         design_spec$dsyn, calibration = syn_rk, kind = "proportion", var = "p_yes", values = yes,
         ci = "logit")
add_case("syn_rk_prop_yes_beta", "svyciprop(~p_yes, dsyn_rk, method='beta')", dsyn_rk,
         design_spec$dsyn, calibration = syn_rk, kind = "proportion", var = "p_yes", values = yes,
         ci = "beta")
add_case("syn_rk_prop_yesdk_logit", "svyciprop(~p_yesdk, dsyn_rk, method='logit')", dsyn_rk,
         design_spec$dsyn, calibration = syn_rk, kind = "proportion", var = "p_yesdk",
         values = list(variable = "q", values = list("yes", "dk")), ci = "logit")
add_case("syn_rk_prop_yes_by_region", "svyby(~p_yes, ~region, dsyn_rk, svyciprop, method='logit')",
         dsyn_rk, design_spec$dsyn, calibration = syn_rk, kind = "proportion", var = "p_yes",
         values = yes, ci = "logit", by = "region")
add_case("syn_rk_mean_income_by_region", "svyby(~income, ~region, dsyn_rk, svymean, na.rm=TRUE, deff=TRUE)",
         dsyn_rk, design_spec$dsyn, calibration = syn_rk, kind = "mean", var = "income", by = "region")
add_case("syn_rk_ratio_income_by_urban", "svyratio(~income, ~w0, subset(dsyn_rk, urban==u)) per urban",
         dsyn_rk, design_spec$dsyn, calibration = syn_rk, kind = "ratio", var = "income", den = "w0",
         by = "urban")
add_case("syn_rk_prop_yes_subset_women", "svyciprop(~p_yes, subset(dsyn_rk, sex=='F'))", dsyn_rk,
         design_spec$dsyn, calibration = syn_rk, kind = "proportion", var = "p_yes", values = yes,
         where = "sex == 'F'", subset_expr = quote(sex == "F"))

# Lonely PSU options.
for (opt in c("certainty", "adjust")) {
  options(survey.lonely.psu = opt)
  for (kind in c("mean", "total")) {
    add_case(paste0("lonely_", opt, "_", kind, "_income"),
             paste0("options(survey.lonely.psu='", opt, "'); svy", kind, "(~income, dlonely, na.rm=TRUE)"),
             dlonely, design_spec$dsyn, kind = kind, var = "income", lonely = opt,
             data = "synthetic.csv#lonely")
  }
}
options(survey.lonely.psu = "fail")

# A tiny sample hypothesis found (tests/analysis/test_properties.py): one stratum, two PSUs, domains of two
# rows. The beta interval with n = 2 and df = 1, and a domain whose proportion is exactly 1 (R: NaN; we give
# the Clopper-Pearson interval on n). Its b == "b2" domain lies in one PSU (df = 0, R: NaN, and so do we); that
# is checked in test_properties.py, as test_golden.py reads R's NaN rows as p = 0 or 1.
edge <- data.frame(a = rep(c("a0", "a1"), each = 4), b = rep(c("b0", "b1", "b2", "b3"), 2), stratum = 0,
                   psu = c(0, 1, 0, 1, 1, 1, 0, 0),
                   w = c(47.458148, 15.935657, 21.454659, 41.471278, 20.755357, 27.704888, 1.864176, 37.798899),
                   answer = c("no", "yes", "no", "yes", "yes", "yes", "yes", "yes"), stringsAsFactors = FALSE)
write_plain(edge, "edge.csv")
dedge <- add_indicator(svydesign(id = ~psu, strata = ~stratum, weights = ~w, data = edge), "p_yes", "answer",
                       "yes")
edge_spec <- list(data = "edge.csv", weights = "w", strata = "stratum", cluster = "psu", fpc = NULL)
edge_yes <- list(variable = "answer", values = list("yes"))
add_case("edge_prop_yes_by_a_beta", "svyby(~p_yes, ~a, dedge, svyciprop, method='beta')", dedge, edge_spec,
         kind = "proportion", var = "p_yes", values = edge_yes, ci = "beta", by = "a")
add_case("edge_prop_yes_subset_b0_beta", "svyciprop(~p_yes, subset(dedge, b=='b0'), method='beta')", dedge,
         edge_spec, kind = "proportion", var = "p_yes", values = edge_yes, ci = "beta",
         where = "b == 'b0'", subset_expr = quote(b == "b0"))

# Svyby cross-check: the per-domain subset loop above must equal svyby itself.
by_check <- svyby(~api00, ~stype, dclus1, svymean)
stopifnot(isTRUE(all.equal(as.numeric(SE(by_check)),
                           sapply(cases[[which(sapply(cases, `[[`, "id") == "clus1_mean_api00_by_stype")]]$rows,
                                  `[[`, "se"))))

# ------------------------------------------------------------------------------ weights
weights_out <- list(
  clus1_rake = list(data = "apiclus1.csv", weights = "pw", margins = "apiclus1_margins.csv",
                    r_call = "calibrate(dclus1, list(~stype, ~sch.wide), ..., calfun='raking')",
                    values = as.numeric(weights(dclus1_rk))),
  clus1_poststratify = list(data = "apiclus1.csv", weights = "pw", variable = "stype",
                            totals = setNames(as.list(pop_types$Freq), pop_types$stype),
                            r_call = "postStratify(dclus1, ~stype, pop.types)",
                            values = as.numeric(weights(dclus1_ps))),
  syn_rake = list(data = "synthetic.csv", weights = "w0", margins = "synthetic_margins.csv",
                  r_call = "calibrate(dsyn, list(~region, ~sex, ~agegrp), ..., calfun='raking')",
                  values = as.numeric(weights(dsyn_rk))),
  strat_trim = list(data = "apistrat.csv", weights = "pw", lower = 10, upper = 40,
                    r_call = "trimWeights(dstrat, lower=10, upper=40, strict=TRUE)",
                    values = as.numeric(weights(trimWeights(dstrat, lower = 10, upper = 40, strict = TRUE))))
)

golden <- list(
  generated_by = "tests/analysis/golden/make_golden.R",
  r_version = R.version.string,
  survey_version = as.character(packageVersion("survey")),
  level = level,
  lonely_psu_data = list(file = "synthetic.csv", drop_stratum = "R1_rural", keep_psu = keep_psu),
  cases = cases,
  weights = weights_out
)
writeLines(toJSON(golden, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE),
           out("golden.json"))
cat("wrote", length(cases), "cases to", out("golden.json"), "\n")

# Expected ICC(1) and ICC(2) from R's multilevel package (Bliese), the oracle of
# tests/test_aggregation.py. Run from this folder: Rscript icc.R
# (Debian: apt-get install r-base-core r-cran-multilevel). Writes unbalanced.csv and
# expected.csv; the test needs only those files, not R. (The package's own data set bh1996
# is not copied here: the test reads it through R when R is installed.)
suppressMessages(library(multilevel))

# Unbalanced groups of 5 to 30 with missing scores (as a team's members with no score):
# A has a group effect, B none (its ICCs are negative, as R gives them).
set.seed(15)
sizes <- c(5, 7, 12, 6, 30, 9, 5, 18, 8, 11, 5, 24)
grp <- rep(seq_along(sizes), sizes)
effect <- rnorm(length(sizes), 0, 0.4)[grp]
ub <- data.frame(GRP = grp,
                 A = round(3 + effect + rnorm(length(grp), 0, 0.8), 4),
                 B = round(3.5 + rnorm(length(grp), 0, 0.6), 4))
ub$A[c(3, 20, 41, 77, 130)] <- NA
write.csv(ub, "unbalanced.csv", row.names = FALSE, na = "")

rows <- list()
for (set in list(list("unbalanced", ub, c("A", "B")))) {
  for (v in set[[3]]) {
    d <- set[[2]]
    model <- aov(d[[v]] ~ as.factor(d$GRP))
    rows[[length(rows) + 1]] <- data.frame(dataset = set[[1]], variable = v,
                                           icc1 = sprintf("%.15g", ICC1(model)),
                                           icc2 = sprintf("%.15g", ICC2(model)))
  }
}
write.csv(do.call(rbind, rows), "expected.csv", row.names = FALSE, quote = FALSE)

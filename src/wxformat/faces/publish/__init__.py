"""`wxformat publish`: the article as a draft in the Official Account, through WeChat's API."""

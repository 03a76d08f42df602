"""The site stage: what pages exist and what each shows (plan, urls, seo, search index, Markdown)."""

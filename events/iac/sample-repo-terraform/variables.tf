variable "private_subnet_ids" {
  description = "Private subnets of the prod VPC"
  type        = list(string)
  default     = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

variable "office_cidr" {
  description = "The office network"
  type        = string
  default     = "10.0.0.0/16"
}
